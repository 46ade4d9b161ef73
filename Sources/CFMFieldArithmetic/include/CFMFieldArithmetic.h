// BLS12-381 base-field kernels in x86-64 assembly (mulx/adcx/adox: BMI2 and ADX), called by FMBLS12381 when the
// CPU has both; elsewhere FMBLS12381's portable Swift runs. Operands are six little-endian 64-bit limbs (twelve
// for double-width values): the memory layout of the Swift structs Fp and FpWide. Constant time.
#ifndef CFM_FIELD_ARITHMETIC_H
#define CFM_FIELD_ARITHMETIC_H

#include <stdbool.h>

/// True when the kernels may be used: set once at load time (x86-64 with BMI2 and ADX, and the environment
/// variable FM_BLS_PORTABLE is not "1"), false before that and on other architectures.
extern bool fm_fp_has_adx_flag;

/// Reads the flag: a plain load in the caller (an imported C global would be shared mutable state to Swift 6).
static inline __attribute__((always_inline)) bool fm_fp_has_adx(void) { return fm_fp_has_adx_flag; }

#if defined(__x86_64__)
/// r = a·b·2^-384 mod p, fully reduced (a, b < p): Fp.multiplied(by:).
void fm_fp_mul(void *r, const void *a, const void *b);
/// r = a·b as twelve limbs, for any six-limb a and b; r must not overlap them: FpWide(product:_:).
void fm_fp_mul_wide(void *r, const void *a, const void *b);
/// r = t·2^-384 mod p, fully reduced, for t < p·2^384: FpWide.reduced().
void fm_fp_reduce(void *r, const void *t);
/// r = p + q for G2 points in projective coordinates (ProjectivePoint<Fp2>: X, Y, Z, each c0 then c1, 36 limbs
/// of reduced Montgomery values), by the complete formula of ProjectivePoint's `+`, bit for bit. r may alias.
void fm_g2_add(void *r, const void *p, const void *q);
/// r = 2p for a G2 point, by ProjectivePoint's complete `doubled()`, bit for bit. r may alias p.
void fm_g2_double(void *r, const void *p);
/// r = a·b in 𝔽p⁶ (Fp6: c0, c1, c2, each an 𝔽p² c0 then c1, 36 limbs), as Fp6's `*`, bit for bit. r may alias.
void fm_fp6_mul(void *r, const void *a, const void *b);
/// r = a·(b0 + b1·v + b4·v·w) in 𝔽p¹² (Fp12: 72 limbs; each b an 𝔽p², 12 limbs), as Fp12's
/// `multiplied(by014:_:_:)`, bit for bit: the Miller loop's line multiplication. r may alias a.
void fm_fp12_mul_by_014(void *r, const void *a, const void *b0, const void *b1, const void *b4);
/// r = the square of a compressed cyclotomic element (CompressedCyclotomic: g1, g2, g3, g5, 48 limbs), as its
/// `squared()`, bit for bit. r may alias a.
void fm_cyclotomic_square_compressed(void *r, const void *a);
#endif

#endif
