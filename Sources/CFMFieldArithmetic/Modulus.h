// BLS12-381's base-field modulus p, little-endian limbs (Sources/FMBLS12381/Fp.swift), and -p^-1 mod 2^64, for the
// kernels of this target (a private header: not part of the module Swift imports).
#ifndef CFM_MODULUS_H
#define CFM_MODULUS_H

#include <stdint.h>

static const uint64_t FM_MODULUS[6] = {
    0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
    0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a,
};
static const uint64_t FM_MODULUS_INVERSE_NEGATED = 0x89f3fffcfffcfffd;

#endif
