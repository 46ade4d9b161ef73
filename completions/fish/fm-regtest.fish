function __fm-regtest_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-regtest_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-regtest_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-regtest_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-regtest_parse_tokens -S
    set -l unparsed_tokens (__fm-regtest_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-regtest'
        __fm-regtest_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __fm-regtest_parse_subcommand 0 'data-dir=' 'rpc-port=' 'rpc-bind=' 'rpc-user=' 'rpc-password=' 'fallback-fee-rate=' 'mempool-min-fee=' 'daemon' 'version' 'h/help'
        case 'cli'
            __fm-regtest_parse_subcommand -r 2 'data-dir=' 'rpc-url=' 'rpc-cookie=' 'rpc-user=' 'rpc-password=' 'rpc-wait' 'rpc-wait-timeout=' 'version' 'h/help'
        case 'help'
            __fm-regtest_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-regtest_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-regtest_parse_subcommand -S -a positional_count
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

function __fm-regtest_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-regtest_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-regtest_tokens -p)
    if test -z "$(__fm-regtest_tokens -t)"
        set -l index (count (__fm-regtest_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-regtest' -f
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest" version' -l 'version' -d 'Show the version.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_positional "fm-regtest" -eq 1' -fa 'run' -d 'Run the node in the foreground until SIGTERM, SIGINT or the stop RPC.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_positional "fm-regtest" -eq 1' -fa 'cli' -d 'Call a node\'s JSON-RPC method (bitcoin-cli style) and print the result as JSON.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_positional "fm-regtest" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" data-dir' -l 'data-dir' -d 'Data directory (created if missing).' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" rpc-port' -l 'rpc-port' -d 'RPC port (0: any free port).' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" rpc-bind' -l 'rpc-bind' -d 'Address the RPC server binds.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" rpc-user' -l 'rpc-user' -d 'Also accept this RPC user (with --rpc-password); the cookie always works.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" rpc-password' -l 'rpc-password' -d 'Password for --rpc-user.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" fallback-fee-rate' -l 'fallback-fee-rate' -d 'estimatesmartfee\'s answer (sat/kvB) while the last 10 blocks confirmed no transaction; 0 answers "Insufficient data" like a fresh bitcoind.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" mempool-min-fee' -l 'mempool-min-fee' -d 'The mempool\'s minimum fee rate (sat/kvB, at least 1000, at most 10000000): below it a transaction is refused unless a package (submitpackage) pays for it; also settable with the setmempoolminfee RPC.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" daemon' -l 'daemon' -d 'Start in the background and return once the node answers, printing the same line (plus pid); its log goes to DIR/debug.log.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" version' -l 'version' -d 'Show the version.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" data-dir' -l 'data-dir' -d 'Data directory of a running fm-regtest (reads DIR/rpc.json).' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-url' -l 'rpc-url' -d 'Node RPC URL, e.g. http://127.0.0.1:18443.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-cookie' -l 'rpc-cookie' -d 'Cookie file (with --rpc-url).' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-user' -l 'rpc-user' -d 'RPC user (with --rpc-url and --rpc-password).' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-password' -l 'rpc-password' -d 'RPC password.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-wait' -l 'rpc-wait' -d 'Wait until the node answers (up to --rpc-wait-timeout seconds) instead of failing at once.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" rpc-wait-timeout' -l 'rpc-wait-timeout' -d 'How long --rpc-wait waits.' -rfka ''
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" version' -l 'version' -d 'Show the version.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest cli" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-regtest' -n '__fm-regtest_should_offer_completions_for_flags_or_options "fm-regtest help" version' -l 'version' -d 'Show the version.'
