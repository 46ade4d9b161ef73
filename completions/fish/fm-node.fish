function __fm-node_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-node_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-node_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-node_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-node_parse_tokens -S
    set -l unparsed_tokens (__fm-node_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-node'
        __fm-node_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __fm-node_parse_subcommand 0 'config-dir=' 'database=' 'database-password-file=' 'passphrase-file=' 'bitcoind-url=' 'bitcoind-cookie=' 'bitcoind-user=' 'bitcoind-password=' 'dashboard-bind=' 'dashboard-password-file=' 'operator-password-file=' 'version' 'h/help'
        case 'dealer'
            __fm-node_parse_subcommand 0 'peers=' 'dir=' 'base-port=' 'dev' 'network=' 'finality-delay=' 'peg-out-fee=' 'passphrase-file=' 'version' 'h/help'
        case 'status'
            __fm-node_parse_subcommand 0 'api=' 'version' 'h/help'
        case 'audit'
            __fm-node_parse_subcommand 0 'api=' 'version' 'h/help'
        case 'dashboard-password'
            __fm-node_parse_subcommand 0 'password-file=' 'out=' 'version' 'h/help'
        case 'backup'
            __fm-node_parse_subcommand 0 'config-dir=' 'api=' 'token-file=' 'password-file=' 'out=' 'version' 'h/help'
        case 'restore'
            __fm-node_parse_subcommand 1 'config-dir=' 'data-dir=' 'version' 'h/help'
        case 'meta'
            __fm-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'set'
                __fm-node_parse_subcommand 2 'config-dir=' 'api=' 'token-file=' 'password-file=' 'version' 'h/help'
            case 'unset'
                __fm-node_parse_subcommand 1 'config-dir=' 'api=' 'token-file=' 'password-file=' 'version' 'h/help'
            case 'show'
                __fm-node_parse_subcommand 0 'api=' 'version' 'h/help'
            end
        case 'shutdown'
            __fm-node_parse_subcommand 0 'at-height=' 'config-dir=' 'api=' 'token-file=' 'password-file=' 'version' 'h/help'
        case 'set-api-url'
            __fm-node_parse_subcommand 1 'config-dir=' 'api=' 'token-file=' 'password-file=' 'version' 'h/help'
        case 'migrate-db'
            __fm-node_parse_subcommand 0 'config-dir=' 'to=' 'database-password-file=' 'passphrase-file=' 'version' 'h/help'
        case 'help'
            __fm-node_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-node_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-node_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __fm-node_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-node_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-node_tokens -p)
    if test -z "$(__fm-node_tokens -t)"
        set -l index (count (__fm-node_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-node' -f
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'run' -d 'Run the guardian until SIGTERM or SIGINT (then it shuts down cleanly).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'dealer' -d 'TEST/DEV ONLY: write every guardian\'s configs for a federation on one host.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'status' -d 'Print a running guardian\'s status (peer id, block height, peers, consensus health, version).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'audit' -d 'Print a running guardian\'s audit: every module\'s assets and liabilities.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'dashboard-password' -d 'Hash an operator password for the dashboard (scrypt) into a file fm-node run reads.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'backup' -d 'ADMIN, online: write a running guardian\'s backup (configs, database snapshot, manifest) to a file.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'restore' -d 'Offline: rebuild a guardian from a backup file into empty directories; fm-node run then catches up.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'meta' -d 'Propose or show the federation meta (name, welcome message, expiry, successor, app: keys).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'shutdown' -d 'Ask every guardian to stop after block HEIGHT, for a coordinated upgrade (admin).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'set-api-url' -d 'Sign and announce this guardian\'s new client API URL (admin).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'migrate-db' -d 'Copy a stopped guardian\'s SQLite state into an empty PostgreSQL database and verify it.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" config-dir' -l 'config-dir' -d 'Directory with the guardian\'s configs.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" database' -l 'database' -d 'Keep the guardian\'s state in this PostgreSQL database, postgres://user@host[:port]/database (no password in it; default: the SQLite file named in local.json).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" database-password-file' -l 'database-password-file' -d 'File holding the PostgreSQL password (first line; mode 0600). Else FM_DATABASE_PASSWORD, else none.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" passphrase-file' -l 'passphrase-file' -d 'File whose first line is the passphrase (else $FM_PASSPHRASE).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" bitcoind-url' -l 'bitcoind-url' -d 'The bitcoin node\'s JSON-RPC URL (env FM_BITCOIND_URL).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" bitcoind-cookie' -l 'bitcoind-cookie' -d 'The node\'s cookie file (env FM_BITCOIND_COOKIE).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" bitcoind-user' -l 'bitcoind-user' -d 'RPC user, with --bitcoind-password (env FM_BITCOIND_USER).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" bitcoind-password' -l 'bitcoind-password' -d 'RPC password (env FM_BITCOIND_PASSWORD).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" dashboard-bind' -l 'dashboard-bind' -d 'Serve the operator dashboard on HOST:PORT (default 127.0.0.1:8175; needs --dashboard-password-file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" dashboard-password-file' -l 'dashboard-password-file' -d 'The operator password\'s scrypt hash (written by fm-node dashboard-password); turns the dashboard on.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" operator-password-file' -l 'operator-password-file' -d 'The operator password\'s scrypt hash (fm-node dashboard-password) for admin calls (default: --dashboard-password-file\'s).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" peers' -l 'peers' -d 'Number of guardians.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" dir' -l 'dir' -d 'Output directory (one subdirectory per guardian).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" base-port' -l 'base-port' -d 'First port; each guardian uses two.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" dev' -l 'dev' -d 'Dev mode: the federation accepts dev-issued e-cash (never for real money).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" network' -l 'network' -d 'The wallet\'s bitcoin network: mainnet, testnet, signet or regtest.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" finality-delay' -l 'finality-delay' -d 'Blocks a deposit waits past its block (default: 10 on mainnet, 2 otherwise).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" peg-out-fee' -l 'peg-out-fee' -d 'The e-cash fee of each peg-out (msat, default 1000); it also funds the federation\'s fee bumps.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" passphrase-file' -l 'passphrase-file' -d 'File whose first line is the passphrase (else $FM_PASSPHRASE).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dealer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node status" api' -l 'api' -d 'The guardian\'s API URL.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node status" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node audit" api' -l 'api' -d 'The guardian\'s API URL.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node audit" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dashboard-password" password-file' -l 'password-file' -d 'File whose first line is the password (default: standard input).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dashboard-password" out' -l 'out' -d 'Where to write the hash (created 0600).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dashboard-password" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node dashboard-password" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" config-dir' -l 'config-dir' -d 'The guardian\'s config directory (finds its API and token file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" api' -l 'api' -d 'The guardian\'s API URL (default: from --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" token-file' -l 'token-file' -d 'The operator token file (default: admin.token beside the guardian\'s database).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" password-file' -l 'password-file' -d 'File whose first line is the operator password (instead of the token).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" out' -l 'out' -d 'Where to write the backup (must not exist; created 0600).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node backup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node restore" config-dir' -l 'config-dir' -d 'Where to write the configs (empty or new).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node restore" data-dir' -l 'data-dir' -d 'Where to write the databases (empty or new; default: --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node restore" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node restore" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node meta" -eq 1' -fa 'set' -d 'Propose the next meta revision with KEY set to VALUE (admin).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node meta" -eq 1' -fa 'unset' -d 'Propose the next meta revision without KEY (admin).'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_positional "fm-node meta" -eq 1' -fa 'show' -d 'Print the agreed meta, every guardian\'s open proposal and the scheduled shutdown.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" config-dir' -l 'config-dir' -d 'The guardian\'s config directory (finds its API and token file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" api' -l 'api' -d 'The guardian\'s API URL (default: from --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" token-file' -l 'token-file' -d 'The operator token file (default: admin.token beside the guardian\'s database).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" password-file' -l 'password-file' -d 'File whose first line is the operator password (instead of the token).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" config-dir' -l 'config-dir' -d 'The guardian\'s config directory (finds its API and token file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" api' -l 'api' -d 'The guardian\'s API URL (default: from --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" token-file' -l 'token-file' -d 'The operator token file (default: admin.token beside the guardian\'s database).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" password-file' -l 'password-file' -d 'File whose first line is the operator password (instead of the token).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta unset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta show" api' -l 'api' -d 'The guardian\'s API URL.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta show" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node meta show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" at-height' -l 'at-height' -d 'The last block to apply before stopping.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" config-dir' -l 'config-dir' -d 'The guardian\'s config directory (finds its API and token file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" api' -l 'api' -d 'The guardian\'s API URL (default: from --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" token-file' -l 'token-file' -d 'The operator token file (default: admin.token beside the guardian\'s database).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" password-file' -l 'password-file' -d 'File whose first line is the operator password (instead of the token).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node shutdown" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" config-dir' -l 'config-dir' -d 'The guardian\'s config directory (finds its API and token file).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" api' -l 'api' -d 'The guardian\'s API URL (default: from --config-dir).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" token-file' -l 'token-file' -d 'The operator token file (default: admin.token beside the guardian\'s database).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" password-file' -l 'password-file' -d 'File whose first line is the operator password (instead of the token).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node set-api-url" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" config-dir' -l 'config-dir' -d 'Directory with the guardian\'s configs.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" to' -l 'to' -d 'The empty PostgreSQL database, postgres://user@host[:port]/database.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" database-password-file' -l 'database-password-file' -d 'File holding the PostgreSQL password (first line; mode 0600). Else FM_DATABASE_PASSWORD.' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" passphrase-file' -l 'passphrase-file' -d 'File whose first line is the passphrase (else $FM_PASSPHRASE).' -rfka ''
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" version' -l 'version' -d 'Show the version.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node migrate-db" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-node' -n '__fm-node_should_offer_completions_for_flags_or_options "fm-node help" version' -l 'version' -d 'Show the version.'
