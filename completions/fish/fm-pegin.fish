function __fm-pegin_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-pegin_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-pegin_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-pegin_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-pegin_parse_tokens -S
    set -l unparsed_tokens (__fm-pegin_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-pegin'
        __fm-pegin_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'address'
            __fm-pegin_parse_subcommand 0 'data-dir=' 'federation=' 'verbose' 'bitcoind-url=' 'bitcoind-cookie=' 'bitcoind-user=' 'bitcoind-password=' 'version' 'h/help'
        case 'await'
            __fm-pegin_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'bitcoind-url=' 'bitcoind-cookie=' 'bitcoind-user=' 'bitcoind-password=' 'version' 'h/help'
        case 'claim'
            __fm-pegin_parse_subcommand 1 'data-dir=' 'federation=' 'verbose' 'bitcoind-url=' 'bitcoind-cookie=' 'bitcoind-user=' 'bitcoind-password=' 'version' 'h/help'
        case 'help'
            __fm-pegin_parse_subcommand -r 1 'version'
        end
    end
end

function __fm-pegin_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-pegin_parse_subcommand -S -a positional_count
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

function __fm-pegin_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-pegin_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-pegin_tokens -p)
    if test -z "$(__fm-pegin_tokens -t)"
        set -l index (count (__fm-pegin_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-pegin' -f
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_positional "fm-pegin" -eq 1' -fa 'address' -d 'Print a fresh deposit address and the operation id that claims it.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_positional "fm-pegin" -eq 1' -fa 'await' -d 'Wait for the deposit, its finality and the claim; print the operation.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_positional "fm-pegin" -eq 1' -fa 'claim' -d 'Claim the deposit made by bitcoin transaction TXID to one of this client\'s addresses.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_positional "fm-pegin" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" bitcoind-url' -l 'bitcoind-url' -d 'The bitcoin node\'s JSON-RPC URL (env FM_BITCOIND_URL).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" bitcoind-cookie' -l 'bitcoind-cookie' -d 'The node\'s cookie file (env FM_BITCOIND_COOKIE).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" bitcoind-user' -l 'bitcoind-user' -d 'RPC user, with --bitcoind-password (env FM_BITCOIND_USER).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" bitcoind-password' -l 'bitcoind-password' -d 'RPC password (env FM_BITCOIND_PASSWORD).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin address" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" bitcoind-url' -l 'bitcoind-url' -d 'The bitcoin node\'s JSON-RPC URL (env FM_BITCOIND_URL).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" bitcoind-cookie' -l 'bitcoind-cookie' -d 'The node\'s cookie file (env FM_BITCOIND_COOKIE).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" bitcoind-user' -l 'bitcoind-user' -d 'RPC user, with --bitcoind-password (env FM_BITCOIND_USER).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" bitcoind-password' -l 'bitcoind-password' -d 'RPC password (env FM_BITCOIND_PASSWORD).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin await" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" data-dir' -l 'data-dir' -d 'Client data directory (default $FM_CLIENT_DIR, else ~/.fm-client).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" federation' -l 'federation' -d 'Federation id (or a unique prefix) when the client joined several.' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" verbose' -l 'verbose' -d 'On failure, also print the raw cause (e.g. the network error) on stderr.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" bitcoind-url' -l 'bitcoind-url' -d 'The bitcoin node\'s JSON-RPC URL (env FM_BITCOIND_URL).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" bitcoind-cookie' -l 'bitcoind-cookie' -d 'The node\'s cookie file (env FM_BITCOIND_COOKIE).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" bitcoind-user' -l 'bitcoind-user' -d 'RPC user, with --bitcoind-password (env FM_BITCOIND_USER).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" bitcoind-password' -l 'bitcoind-password' -d 'RPC password (env FM_BITCOIND_PASSWORD).' -rfka ''
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" version' -l 'version' -d 'Show the version.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin claim" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-pegin' -n '__fm-pegin_should_offer_completions_for_flags_or_options "fm-pegin help" version' -l 'version' -d 'Show the version.'
