function __fm-mint_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-mint_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-mint_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-mint_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-mint_parse_tokens -S
    set -l unparsed_tokens (__fm-mint_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-mint'
        __fm-mint_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'join'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'info'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'meta'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'keys'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'balance'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'offline' 'text' 'version' 'h/help'
        case 'spend'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'reclaim-after=' 'version' 'h/help'
        case 'reissue'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'max-fee=' 'version' 'h/help'
        case 'reclaim'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'validate'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'await'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'list'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'running' 'reclaimable' 'version' 'h/help'
        case 'backup'
            __fm-mint_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'show-mnemonic' 'upload' 'version' 'h/help'
        case 'recover'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'mnemonic-file=' 'no-snapshot' 'version' 'h/help'
        case 'dev-issue'
            __fm-mint_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'help'
            __fm-mint_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-mint_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-mint_parse_subcommand -S -a positional_count
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

function __fm-mint_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-mint_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-mint_tokens -p)
    if test -z "$(__fm-mint_tokens -t)"
        set -l index (count (__fm-mint_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-mint' -f
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'join' -d 'Join a federation from its invite code.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'info' -d 'Show the joined federation: id, guardians, threshold, modules, mint fees and keys (offline).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'meta' -d 'Fetch the federation meta (name, welcome message, expiry, successor) that t guardians serve.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'keys' -d 'Print what an independent verifier needs to check this federation\'s notes (offline).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'balance' -d 'Print the balance in msat: spendable, pending, their total, and what is reclaimable.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'spend' -d 'Take AMOUNT out of the wallet as an out-of-band note string.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'reissue' -d 'Receive a note string: reissue its notes into this wallet at once.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'reclaim' -d 'Take back an out-of-band spend the receiver has not redeemed, now.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'validate' -d 'Check a note string against the federation\'s public keys (offline, batch-verified).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'await' -d 'Drive an operation to its end (resuming it after a crash) and print it.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'list' -d 'List the client\'s operations, newest first (offline).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'backup' -d 'Show what restores this client (the mnemonic with --show-mnemonic); upload a snapshot with --upload.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'recover' -d 'Restore a wallet from its mnemonic alone, into a fresh data directory.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'dev-issue' -d 'DEV ONLY: create AMOUNT of test e-cash (federations started in dev mode only).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_positional "fm-mint" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint join" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint join" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint join" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint join" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint join" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint info" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint info" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint info" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint info" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint meta" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint meta" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint meta" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint meta" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint meta" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint keys" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint keys" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint keys" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint keys" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint keys" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" offline' -l 'offline' -d 'Do not resume unfinished operations nor reclaim spends (no network).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" text' -l 'text' -d 'Print lines for a person instead of JSON.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint balance" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" reclaim-after' -l 'reclaim-after' -d 'Take the notes back if not redeemed after this long: 30s, 10m, 2h, 7d, or never.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint spend" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" max-fee' -l 'max-fee' -d 'Refuse when the fees exceed this: an amount (500, 2sat) or a share of the value (1%, 0.5%).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reissue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reclaim" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reclaim" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reclaim" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reclaim" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint reclaim" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint validate" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint validate" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint validate" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint validate" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint await" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint await" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint await" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint await" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint await" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" running' -l 'running' -d 'Only operations that have not ended.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" reclaimable' -l 'reclaimable' -d 'Only out-of-band spends not yet redeemed nor reclaimed (fm-mint reclaim takes them back).'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" show-mnemonic' -l 'show-mnemonic' -d 'Print the mnemonic words. Anyone who sees them can spend this client\'s e-cash.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" upload' -l 'upload' -d 'Upload an encrypted snapshot of the selected federation\'s wallet to every guardian now.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint backup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" mnemonic-file' -l 'mnemonic-file' -d 'File holding the BIP-39 mnemonic words, or \'-\' for stdin.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" no-snapshot' -l 'no-snapshot' -d 'Ignore the guardians\' snapshots and scan the whole history.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint recover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint dev-issue" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint dev-issue" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint dev-issue" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint dev-issue" version' -l 'version' -d 'Show the version.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint dev-issue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-mint' -n '__fm-mint_should_offer_completions_for_flags_or_options "fm-mint help" version' -l 'version' -d 'Show the version.'
