function __fm-pegout_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-pegout_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-pegout_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-pegout_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-pegout_parse_tokens -S
    set -l unparsed_tokens (__fm-pegout_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-pegout'
        __fm-pegout_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'pay'
            __fm-pegout_parse_subcommand 2 'data-dir=' 'federation=' 'verbose' 'fee-rate=' 'no-wait' 'version' 'h/help'
        case 'await'
            __fm-pegout_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'version' 'h/help'
        case 'help'
            __fm-pegout_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-pegout_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-pegout_parse_subcommand -S -a positional_count
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

function __fm-pegout_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-pegout_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-pegout_tokens -p)
    if test -z "$(__fm-pegout_tokens -t)"
        set -l index (count (__fm-pegout_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-pegout' -f
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_positional "fm-pegout" -eq 1' -fa 'pay' -d 'Peg out AMOUNT sat to ADDRESS (the default subcommand).'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_positional "fm-pegout" -eq 1' -fa 'await' -d 'Wait for a peg-out\'s bitcoin txid and print it.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_positional "fm-pegout" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" fee-rate' -l 'fee-rate' -d 'Fee rate in sat/vB (default: the federation\'s).' -rfka ''
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" no-wait' -l 'no-wait' -d 'Print the operation id without waiting for the txid.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout pay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout await" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout await" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout await" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout await" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout await" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegout' -n '__fm-pegout_should_offer_completions_for_flags_or_options "fm-pegout help" version' -l 'version' -d 'Show the version.'
