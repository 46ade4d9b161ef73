function __fm-bench_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-bench_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fm-bench_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fm-bench_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fm-bench_parse_tokens -S
    set -l unparsed_tokens (__fm-bench_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fm-bench'
        __fm-bench_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'bls'
            __fm-bench_parse_subcommand 0 'json' 'scale=' 'clock=' 'compared-only' 'h/help'
        case 'json'
            __fm-bench_parse_subcommand 0 'transactions=' 'runs=' 'json' 'h/help'
        case 'consensus'
            __fm-bench_parse_subcommand 0 'json' 'scale=' 'clock=' 'interval=' 'item-size=' 'h/help'
        case 'consensus-simulation'
            __fm-bench_parse_subcommand 0 'guardians=+' 'rounds=' 'seed=' 'h/help'
        case 'reissue'
            __fm-bench_parse_subcommand 0 'json' 'scale=' 'clock=' 'wallets=' 'base-port=' 'guardians=' 'batch-window=' 'shared-client-budget' 'guardians-before-1.1' 'database=' 'database-password-file=' 'h/help'
        case 'recover'
            __fm-bench_parse_subcommand 0 'json' 'scale=' 'clock=' 'outputs=' 'base-port=' 'h/help'
        case 'ln'
            __fm-bench_parse_subcommand 0 'count=' 'base-port=' 'bin-dir=' 'h/help'
        case 'help'
            __fm-bench_parse_subcommand -r 1 
        end
    end
end

function __fm-bench_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fm-bench_parse_subcommand -S -a positional_count
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

function __fm-bench_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fm-bench_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fm-bench_tokens -p)
    if test -z "$(__fm-bench_tokens -t)"
        set -l index (count (__fm-bench_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fm-bench' -f
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'bls' -d 'BLS12-381 pairing, scalar multiplication, hash to G1 and threshold blind signatures.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'json' -d 'Foundation JSONDecoder versus libjansson on one large document.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'consensus' -d 'Consensus throughput and submit→finalize latency, n = 4 over loopback TLS with SQLite.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'consensus-simulation' -d 'Simplex consensus: simulated rounds per second of the deterministic simulator.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'reissue' -d 'Reissue latency (p50/p99) and reissues per second, n = 4 and n = 1 on loopback.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'recover' -d 'Recovery time and items per second against a history of 100,000+ issued outputs.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'ln' -d 'Lightning pay and receive latency (p50/p99) through fm-gateway with 4 guardians on loopback.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_positional "fm-bench" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench bls" json' -l 'json' -d 'Print the results as JSON instead of a table.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench bls" scale' -l 'scale' -d 'Multiply every iteration count by this factor.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench bls" clock' -l 'clock' -d 'What to time: wall or thread-cpu (default: the subcommand\'s choice).' -rfka 'wall thread-cpu'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench bls" compared-only' -l 'compared-only' -d 'Only the rows bin/bench-bls-peers compares with blst and arkworks.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench bls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench json" transactions' -l 'transactions' -d 'Transactions in the generated document (67,000 make about 58 MB).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench json" runs' -l 'runs' -d 'Timed runs of each reader.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench json" json' -l 'json' -d 'Print the report as JSON instead of a table.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench json" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" json' -l 'json' -d 'Print the results as JSON instead of a table.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" scale' -l 'scale' -d 'Multiply every iteration count by this factor.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" clock' -l 'clock' -d 'What to time: wall or thread-cpu (default: the subcommand\'s choice).' -rfka 'wall thread-cpu'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" interval' -l 'interval' -d 'Milliseconds between submissions in the light-load phase.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" item-size' -l 'item-size' -d 'Bytes per item (a typical e-cash transaction is a few hundred).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus-simulation"' -l 'guardians' -d 'Number of guardians (n).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus-simulation" rounds' -l 'rounds' -d 'Iterations to simulate per federation size.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus-simulation" seed' -l 'seed' -d 'Simulation seed.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench consensus-simulation" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" json' -l 'json' -d 'Print the results as JSON instead of a table.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" scale' -l 'scale' -d 'Multiply every iteration count by this factor.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" clock' -l 'clock' -d 'What to time: wall or thread-cpu (default: the subcommand\'s choice).' -rfka 'wall thread-cpu'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" wallets' -l 'wallets' -d 'Wallets reissuing at once in the throughput phase.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" base-port' -l 'base-port' -d 'First loopback port (each size n uses 2n ports, the sizes one after another).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" guardians' -l 'guardians' -d 'Federation sizes to measure, in order, comma-separated (each 1 to 7; e.g. 1 to profile the single guardian alone).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" batch-window' -l 'batch-window' -d 'The guardians\' consensus batch window in milliseconds (0 to 1000; default: fm-node\'s, docs/consensus.md "Batching under load").' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" shared-client-budget' -l 'shared-client-budget' -d 'All wallets share one client address\'s cost budget at each guardian (they all connect from 127.0.0.1); default: each guardian grants the budget of one address per wallet, plus one for the sequential wallet, as if every wallet had its own address.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" guardians-before-1.1' -l 'guardians-before-1.1' -d 'The guardians serve core API 1.0 only, as releases before 1.1: no await_output_outcomes, so wallets ask each output\'s outcome on its own.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" database' -l 'database' -d 'Keep the guardians\' state in new databases NAME_n<size>_g<peer> on this PostgreSQL server, postgres://user@host[:port]/NAME (no password in it; default: SQLite files).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" database-password-file' -l 'database-password-file' -d 'File holding the PostgreSQL password (first line; mode 0600). Else FM_DATABASE_PASSWORD, else none.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench reissue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" json' -l 'json' -d 'Print the results as JSON instead of a table.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" scale' -l 'scale' -d 'Multiply every iteration count by this factor.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" clock' -l 'clock' -d 'What to time: wall or thread-cpu (default: the subcommand\'s choice).' -rfka 'wall thread-cpu'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" outputs' -l 'outputs' -d 'Outputs of other wallets in the history.' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" base-port' -l 'base-port' -d 'First loopback port (8 ports are used).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench recover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench ln" count' -l 'count' -d 'Timed payments of each kind (after one warm-up each).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench ln" base-port' -l 'base-port' -d 'First loopback port (the run uses 12 from here).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench ln" bin-dir' -l 'bin-dir' -d 'Directory holding the fm-* executables (default: fm-bench\'s own).' -rfka ''
complete -c 'fm-bench' -n '__fm-bench_should_offer_completions_for_flags_or_options "fm-bench ln" h help' -s 'h' -l 'help' -d 'Show help information.'
