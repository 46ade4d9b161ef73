# Sourced by bench/bls-instructions/run and bench/issuance-instructions/run: compiles FMBLS12381 (with its C target,
# CFMFieldArithmetic) from $root into $out as the release build does, and decides which field arithmetic the counts
# are of. Valgrind's emulated CPU does not report BMI2/ADX, so the load-time check would always pick the portable
# Swift; where the real CPU has both (and FM_BLS_PORTABLE is not 1) the drivers set the flag themselves
# (FM_FORCE_KERNELS=1), since valgrind runs the instructions.
flags=(-O -wmo -enforce-exclusivity=unchecked -Xcc -fmodule-map-file="$out/module.modulemap")
build_fmbls12381() {
    local include="$root/Sources/CFMFieldArithmetic/include" c
    printf 'module CFMFieldArithmetic { header "%s/CFMFieldArithmetic.h" export * }\n' "$include" > "$out/module.modulemap"
    c_objects=()
    for c in "$root"/Sources/CFMFieldArithmetic/*.c; do
        clang -O2 -c "$c" -I "$include" -o "$out/$(basename "$c" .c).o"
        c_objects+=("$out/$(basename "$c" .c).o")
    done
    (cd "$out" && swiftc "${flags[@]}" "$@" -parse-as-library -module-name FMBLS12381 -emit-module \
        -emit-module-path FMBLS12381.swiftmodule -emit-library -static -o libFMBLS12381.a "$root"/Sources/FMBLS12381/*.swift)
}
if [ "${FM_BLS_PORTABLE:-}" != 1 ] && grep -qw bmi2 /proc/cpuinfo 2>/dev/null && grep -qw adx /proc/cpuinfo; then
    export FM_FORCE_KERNELS=1
    echo "counting the x86-64 kernels' path (FM_BLS_PORTABLE=1 counts the portable Swift)" >&2
else
    echo "counting the portable Swift path" >&2
fi
