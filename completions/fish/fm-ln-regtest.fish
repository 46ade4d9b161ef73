function __fm-ln-regtest_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-ln-regtest_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-ln-regtest_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-ln-regtest_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-ln-regtest_parse_tokens -S
    set -l unparsed_tokens (__fm-ln-regtest_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-ln-regtest'
        __fm-ln-regtest_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __fm-ln-regtest_parse_subcommand 0 'lightning-dir=' 'bitcoin-dir=' 'bitcoind-url=' 'bitcoind-cookie=' 'bitcoind-user=' 'bitcoind-password=' 'bind-addr=' 'port=' 'alias=' 'funding-confirms=' 'daemon' 'version' 'h/help'
        case 'cli'
            __fm-ln-regtest_parse_subcommand -r 2 'lightning-dir=' 'rpc-file=' 'version' 'h/help'
        case 'help'
            __fm-ln-regtest_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-ln-regtest_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-ln-regtest_parse_subcommand -S -a positional_count
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

function __fm-ln-regtest_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-ln-regtest_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-ln-regtest_tokens -p)
    if test -z "$(__fm-ln-regtest_tokens -t)"
        set -l index (count (__fm-ln-regtest_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-ln-regtest' -f
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_positional "fm-ln-regtest" -eq 1' -fa 'run' -d 'Run a node in the foreground until SIGTERM, SIGINT or the stop RPC.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_positional "fm-ln-regtest" -eq 1' -fa 'cli' -d 'Call a node\'s JSON-RPC method (lightning-cli style) and print the result as JSON.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_positional "fm-ln-regtest" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" lightning-dir' -l 'lightning-dir' -d 'The node\'s directory (created if missing).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bitcoin-dir' -l 'bitcoin-dir' -d 'Data directory of the fm-regtest node to follow (reads DIR/rpc.json).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bitcoind-url' -l 'bitcoind-url' -d 'The bitcoin node\'s JSON-RPC URL (env FM_BITCOIND_URL).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bitcoind-cookie' -l 'bitcoind-cookie' -d 'The node\'s cookie file (env FM_BITCOIND_COOKIE).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bitcoind-user' -l 'bitcoind-user' -d 'RPC user, with --bitcoind-password (env FM_BITCOIND_USER).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bitcoind-password' -l 'bitcoind-password' -d 'RPC password (env FM_BITCOIND_PASSWORD).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" bind-addr' -l 'bind-addr' -d 'Address the peer port binds.' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" port' -l 'port' -d 'Peer port (0: any free port).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" alias' -l 'alias' -d 'The node\'s alias in getinfo.' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" funding-confirms' -l 'funding-confirms' -d 'Confirmations before a new channel is usable.' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" daemon' -l 'daemon' -d 'Start in the background and return once the RPC answers, printing the same line (plus pid).'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest cli" lightning-dir' -l 'lightning-dir' -d 'The node\'s directory (its socket is DIR/lightning-rpc).' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest cli" rpc-file' -l 'rpc-file' -d 'The RPC socket (instead of --lightning-dir), e.g. ~/.lightning/regtest/lightning-rpc.' -rfka ''
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest cli" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest cli" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-regtest' -n '__fm-ln-regtest_should_offer_completions_for_flags_or_options "fm-ln-regtest help" version' -l 'version' -d 'Show the version.'
