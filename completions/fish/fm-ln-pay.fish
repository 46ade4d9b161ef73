function __fm-ln-pay_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-ln-pay_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-ln-pay_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-ln-pay_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-ln-pay_parse_tokens -S
    set -l unparsed_tokens (__fm-ln-pay_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-ln-pay'
        __fm-ln-pay_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'pay'
            __fm-ln-pay_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'gateway=' 'max-fee=' 'timelock=' 'no-margin-check' 'no-wait' 'version' 'h/help'
        case 'receive'
            __fm-ln-pay_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'description=' 'expiry=' 'gateway=' 'max-fee=' 'wait' 'version' 'h/help'
        case 'gateways'
            __fm-ln-pay_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'await'
            __fm-ln-pay_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'list'
            __fm-ln-pay_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'help'
            __fm-ln-pay_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-ln-pay_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-ln-pay_parse_subcommand -S -a positional_count
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

function __fm-ln-pay_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-ln-pay_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-ln-pay_tokens -p)
    if test -z "$(__fm-ln-pay_tokens -t)"
        set -l index (count (__fm-ln-pay_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-ln-pay' -f
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'pay' -d 'Pay a BOLT 11 invoice through a gateway; print the preimage, amount and fee.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'receive' -d 'Create an invoice whose payment arrives as e-cash; print it and the operation id.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'gateways' -d 'List the gateways announced to the federation (signatures checked here).'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'await' -d 'Wait for a payment or receive to end and print its outcome.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'list' -d 'List the wallet\'s Lightning payments and receives, newest first.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_positional "fm-ln-pay" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" gateway' -l 'gateway' -d 'The gateway\'s key (hex, or a unique prefix; default: the cheapest).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" max-fee' -l 'max-fee' -d 'Refuse a gateway fee above this many msat.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" timelock' -l 'timelock' -d 'Seconds of consensus time before the money can come back unpaid (default 1 day).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" no-margin-check' -l 'no-margin-check' -d 'Fund a --timelock shorter than fm-gateway needs for the invoice\'s final CLTV (a gateway with other margins; if it refuses, the money comes back at the timelock).'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" no-wait' -l 'no-wait' -d 'Print the operation id without waiting for the outcome.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay pay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" description' -l 'description' -d 'The invoice\'s description.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" expiry' -l 'expiry' -d 'Seconds the invoice can be paid (default 3600).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" gateway' -l 'gateway' -d 'The gateway\'s key (hex, or a unique prefix; default: the cheapest).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" max-fee' -l 'max-fee' -d 'Refuse a gateway fee above this many msat.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" wait' -l 'wait' -d 'Wait until the payment arrives (or the invoice expires) and print the outcome.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay receive" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay gateways" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay gateways" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay gateways" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay gateways" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay gateways" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay await" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay await" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay await" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay await" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay await" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay list" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay list" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay list" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay list" version' -l 'version' -d 'Show the version.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-ln-pay' -n '__fm-ln-pay_should_offer_completions_for_flags_or_options "fm-ln-pay help" version' -l 'version' -d 'Show the version.'
