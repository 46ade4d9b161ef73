function __fm-dkg_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-dkg_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-dkg_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-dkg_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-dkg_parse_tokens -S
    set -l unparsed_tokens (__fm-dkg_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-dkg'
        __fm-dkg_parse_subcommand -r 1 'identity-dir=' 'config-dir=' 'dev' 'timeout=' 'max-exponent=' 'module-params=' 'bind-host=' 'passphrase-file=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __fm-dkg_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-dkg_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-dkg_parse_subcommand -S -a positional_count
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

function __fm-dkg_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-dkg_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-dkg_tokens -p)
    if test -z "$(__fm-dkg_tokens -t)"
        set -l index (count (__fm-dkg_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-dkg' -f
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" identity-dir' -l 'identity-dir' -d 'This guardian\'s fm-keygen directory.' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" config-dir' -l 'config-dir' -d 'Where to write the configs (must not exist yet, or be empty).' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" dev' -l 'dev' -d 'Dev mode: the federation accepts dev-issued e-cash (never for real money). All guardians must agree.'
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" timeout' -l 'timeout' -d 'Seconds each round waits for every guardian (also for guardians that start late).' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" max-exponent' -l 'max-exponent' -d 'Mint: the largest note is 2^k msat (default 40).' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" module-params' -l 'module-params' -d 'JSON file of module parameters keyed by module kind, e.g. {"mint": {"max_exponent": 20}}.' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" bind-host' -l 'bind-host' -d 'Address the p2p (and later fm-node\'s) listeners bind; default: the hosts of this guardian\'s URLs.' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" passphrase-file' -l 'passphrase-file' -d 'File whose first line is the passphrase (else $FM_PASSPHRASE).' -rfka ''
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" version' -l 'version' -d 'Show the version.'
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_positional "fm-dkg" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-dkg' -n '__fm-dkg_should_offer_completions_for_flags_or_options "fm-dkg help" version' -l 'version' -d 'Show the version.'
