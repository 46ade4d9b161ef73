function __fm-gateway_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-gateway_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-gateway_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-gateway_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-gateway_parse_tokens -S
    set -l unparsed_tokens (__fm-gateway_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-gateway'
        __fm-gateway_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __fm-gateway_parse_subcommand 0 'data-dir=' 'lightning-rpc=' 'api-url=' 'api-bind=' 'api-port=' 'operator-port=' 'base-fee=' 'fee-ppm=' 'announce-ttl=' 'rate-burst=' 'rate-per-second=' 'max-open-invoices-per-client=' 'max-open-invoices-per-network=' 'version' 'h/help'
        case 'cli'
            __fm-gateway_parse_subcommand -r 2 'data-dir=' 'version' 'h/help'
        case 'help'
            __fm-gateway_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-gateway_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-gateway_parse_subcommand -S -a positional_count
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

function __fm-gateway_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-gateway_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-gateway_tokens -p)
    if test -z "$(__fm-gateway_tokens -t)"
        set -l index (count (__fm-gateway_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-gateway' -f
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway" version' -l 'version' -d 'Show the version.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_positional "fm-gateway" -eq 1' -fa 'run' -d 'Run the gateway in the foreground until SIGTERM or SIGINT.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_positional "fm-gateway" -eq 1' -fa 'cli' -d 'Call the running gateway\'s operator JSON-RPC and print the result as JSON.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_positional "fm-gateway" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" data-dir' -l 'data-dir' -d 'The gateway\'s data directory (created if missing).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" lightning-rpc' -l 'lightning-rpc' -d 'The Lightning node\'s Core Lightning JSON-RPC socket.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" api-url' -l 'api-url' -d 'The public API\'s URL as users\' clients reach it (announced to the federations).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" api-bind' -l 'api-bind' -d 'Address the public API binds.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" api-port' -l 'api-port' -d 'Public API port (0: any free port).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" operator-port' -l 'operator-port' -d 'Operator JSON-RPC port on 127.0.0.1 (0: any free port).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" base-fee' -l 'base-fee' -d 'Base fee per payment until the operator sets fees (msat).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" fee-ppm' -l 'fee-ppm' -d 'Proportional fee until the operator sets fees (parts per million).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" announce-ttl' -l 'announce-ttl' -d 'Announcement TTL in seconds (refreshed at half of it).' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" rate-burst' -l 'rate-burst' -d 'Public API requests one client address may send at once, then --rate-per-second.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" rate-per-second' -l 'rate-per-second' -d 'Public API requests per second one client address may send after the burst.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" max-open-invoices-per-client' -l 'max-open-invoices-per-client' -d 'Invoices from create_invoice one client (IPv4 address, IPv6 /64) may have open at once.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" max-open-invoices-per-network' -l 'max-open-invoices-per-network' -d 'Invoices from create_invoice the clients of one network (IPv4 /24, IPv6 /48) may have open at once.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" version' -l 'version' -d 'Show the version.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway cli" data-dir' -l 'data-dir' -d 'The gateway\'s data directory.' -rfka ''
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway cli" version' -l 'version' -d 'Show the version.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway cli" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-gateway' -n '__fm-gateway_should_offer_completions_for_flags_or_options "fm-gateway help" version' -l 'version' -d 'Show the version.'
