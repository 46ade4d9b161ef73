// The hottest formulas over 𝔽p² built on the 𝔽p kernels: G2 point addition and doubling (the complete formulas
// of ProjectivePoint.swift: Renes, Costello and Batina, algorithms 7 and 9 for a = 0), 𝔽p⁶ multiplication (Fp6.swift),
// the Miller loop's line multiplication (Fp12.swift) and the compressed cyclotomic squaring
// (CompressedCyclotomic.swift), step for step with the same lazy reductions, so every result is bit for bit the
// Swift one (TowerKernelTests compares them). In Swift each 𝔽p product of these formulas costs as much glue as
// arithmetic (operands spilled for the pointers, results copied
// back, the portable path inlined beside it); here the values stay in C locals. No branch and no memory index
// depends on the values: the modular corrections are masks.
#include "CFMFieldArithmetic.h"

#if defined(__x86_64__)

#include <stdint.h>

#include "Modulus.h"

#if !__has_builtin(__builtin_addcll) || !__has_builtin(__builtin_subcll)
#error "TowerArithmetic.c needs __builtin_addcll and __builtin_subcll (clang, or GCC 14 and later)"
#endif

// Every limb loop fully unrolled, so the carries stay in the flags (adc/sbb chains) instead of a byte per limb.
#define UNROLLED _Pragma("GCC unroll 12")

typedef struct { uint64_t l[6]; } fp;
typedef struct { uint64_t l[12]; } fp_wide;
typedef struct { fp c0, c1; } fp2;
typedef struct { fp_wide c0, c1; } fp2_wide;
typedef struct { fp2 x, y, z; } g2_point;  // ProjectivePoint<Fp2>: (X : Y : Z), 36 limbs
typedef struct { fp2 c0, c1, c2; } fp6;     // Fp6: c0 + c1·v + c2·v², 36 limbs
typedef struct { fp6 c0, c1; } fp12;        // Fp12: c0 + c1·w, 72 limbs
typedef struct { fp2 g1, g2, g3, g5; } compressed_cyclotomic;  // CompressedCyclotomic, 48 limbs

// r = a + b over n limbs; returns the carry out. (n is a constant at every call, so the loop unrolls.)
static inline uint64_t add_limbs(uint64_t *r, const uint64_t *a, const uint64_t *b, int n) {
    uint64_t carry = 0;
    UNROLLED
    for (int i = 0; i < n; i++) {
        unsigned long long c;
        r[i] = __builtin_addcll(a[i], b[i], carry, &c);
        carry = c;
    }
    return carry;
}

// r = a - b over n limbs; returns the borrow out.
static inline uint64_t subtract_limbs(uint64_t *r, const uint64_t *a, const uint64_t *b, int n) {
    uint64_t borrow = 0;
    UNROLLED
    for (int i = 0; i < n; i++) {
        unsigned long long c;
        r[i] = __builtin_subcll(a[i], b[i], borrow, &c);
        borrow = c;
    }
    return borrow;
}

// l += p where mask is all ones, l unchanged where it is zero (the carry out is dropped: callers' bounds).
static inline void add_modulus_masked(uint64_t l[6], uint64_t mask) {
    uint64_t masked[6];
    UNROLLED
    for (int i = 0; i < 6; i++) masked[i] = FM_MODULUS[i] & mask;
    add_limbs(l, l, masked, 6);
}

// t - p if that does not borrow, else t (t < 2p): Fp.reducedOnce.
static inline void reduce_once(uint64_t *out, const uint64_t t[6]) {
    uint64_t d[6];
    uint64_t keep = 0 - subtract_limbs(d, t, FM_MODULUS, 6);  // all ones if t < p
    UNROLLED
    for (int i = 0; i < 6; i++) out[i] = (t[i] & keep) | (d[i] & ~keep);
}

static inline fp fp_add(fp a, fp b) {  // both below p; the sum is below 2p < 2^384
    uint64_t t[6];
    add_limbs(t, a.l, b.l, 6);
    fp r;
    reduce_once(r.l, t);
    return r;
}

static inline fp fp_sub(fp a, fp b) {  // p added back after a borrow
    fp r;
    add_modulus_masked(r.l, 0 - subtract_limbs(r.l, a.l, b.l, 6));
    return r;
}

static inline fp fp_add_unreduced(fp a, fp b) {  // below 2p: an input to a double-width product only
    fp r;
    add_limbs(r.l, a.l, b.l, 6);
    return r;
}

static inline fp fp_mul(fp a, fp b) {
    fp r;
    fm_fp_mul(&r, &a, &b);
    return r;
}

static inline fp_wide fp_product(fp a, fp b) {
    fp_wide r;
    fm_fp_mul_wide(&r, &a, &b);
    return r;
}

static inline fp fp_reduced(fp_wide t) {
    fp r;
    fm_fp_reduce(&r, &t);
    return r;
}

// a + b modulo p·2^384 (FpWide +): the upper half of the sum is below 2p, so it loses p once if not below it.
static inline fp_wide wide_add(fp_wide a, fp_wide b) {
    fp_wide r;
    add_limbs(r.l, a.l, b.l, 12);
    reduce_once(r.l + 6, r.l + 6);
    return r;
}

// a - b modulo p·2^384 (FpWide -): p·2^384 added back after a borrow.
static inline fp_wide wide_sub(fp_wide a, fp_wide b) {
    fp_wide r;
    add_modulus_masked(r.l + 6, 0 - subtract_limbs(r.l, a.l, b.l, 12));
    return r;
}

static inline fp2 fp2_add(fp2 a, fp2 b) { return (fp2){fp_add(a.c0, b.c0), fp_add(a.c1, b.c1)}; }
static inline fp2 fp2_sub(fp2 a, fp2 b) { return (fp2){fp_sub(a.c0, b.c0), fp_sub(a.c1, b.c1)}; }
static inline fp2 fp2_double(fp2 a) { return fp2_add(a, a); }

// Karatsuba without reduction (Fp2Wide(product:)): c0 = a0·b0 - a1·b1, c1 = (a0 + a1)(b0 + b1) - a0·b0 - a1·b1.
static inline fp2_wide fp2_product(fp2 a, fp2 b) {
    fp_wide v0 = fp_product(a.c0, b.c0), v1 = fp_product(a.c1, b.c1);
    fp_wide sum = fp_product(fp_add_unreduced(a.c0, a.c1), fp_add_unreduced(b.c0, b.c1));
    return (fp2_wide){wide_sub(v0, v1), wide_sub(wide_sub(sum, v0), v1)};
}

static inline fp2 fp2_reduced(fp2_wide t) { return (fp2){fp_reduced(t.c0), fp_reduced(t.c1)}; }

static inline fp2 fp2_mul(fp2 a, fp2 b) { return fp2_reduced(fp2_product(a, b)); }

// Fp2.squared(): ((c0 + c1)(c0 - c1), 2·c0·c1).
static inline fp2 fp2_square(fp2 a) {
    fp t = fp_mul(a.c0, a.c1);
    return (fp2){fp_mul(fp_add(a.c0, a.c1), fp_sub(a.c0, a.c1)), fp_add(t, t)};
}

// a·b + c·d and a·b - c·d with one reduction per coefficient (sumOfProducts, differenceOfProducts).
static inline fp2 fp2_sum_of_products(fp2 a, fp2 b, fp2 c, fp2 d) {
    fp2_wide x = fp2_product(a, b), y = fp2_product(c, d);
    return fp2_reduced((fp2_wide){wide_add(x.c0, y.c0), wide_add(x.c1, y.c1)});
}

static inline fp2 fp2_difference_of_products(fp2 a, fp2 b, fp2 c, fp2 d) {
    fp2_wide x = fp2_product(a, b), y = fp2_product(c, d);
    return fp2_reduced((fp2_wide){wide_sub(x.c0, y.c0), wide_sub(x.c1, y.c1)});
}

static inline fp2_wide fp2_wide_add(fp2_wide a, fp2_wide b) {
    return (fp2_wide){wide_add(a.c0, b.c0), wide_add(a.c1, b.c1)};
}

static inline fp2_wide fp2_wide_sub(fp2_wide a, fp2_wide b) {
    return (fp2_wide){wide_sub(a.c0, b.c0), wide_sub(a.c1, b.c1)};
}

// Multiplication by ξ = u + 1: (c0 - c1) + (c0 + c1)·u.
static inline fp2_wide fp2_wide_times_nonresidue(fp2_wide a) {
    return (fp2_wide){wide_sub(a.c0, a.c1), wide_add(a.c0, a.c1)};
}

static inline fp2 fp2_times_nonresidue(fp2 a) { return (fp2){fp_sub(a.c0, a.c1), fp_add(a.c0, a.c1)}; }

// a² as ((a0 + a1)(a0 - a1), 2·a0·a1) double-width (Fp2Wide(square:)).
static inline fp2_wide fp2_wide_square(fp2 a) {
    return (fp2_wide){fp_product(fp_add_unreduced(a.c0, a.c1), fp_sub(a.c0, a.c1)),
                      fp_product(fp_add_unreduced(a.c0, a.c0), a.c1)};
}

static inline fp fp_times_twelve(fp a) {  // 4·(3a), as Fp.timesCurveB3
    fp three = fp_add(fp_add(a, a), a);
    fp six = fp_add(three, three);
    return fp_add(six, six);
}

// a·3b with 3b = 12(1 + u): 12(c0 - c1) + 12(c0 + c1)·u (Fp2.timesCurveB3).
static inline fp2 fp2_times_curve_b3(fp2 a) {
    return (fp2){fp_times_twelve(fp_sub(a.c0, a.c1)), fp_times_twelve(fp_add(a.c0, a.c1))};
}

void fm_g2_add(void *result, const void *left, const void *right) {
    const g2_point *p = left, *q = right;
    fp2 t0 = fp2_mul(p->x, q->x);
    fp2 t1 = fp2_mul(p->y, q->y);
    fp2 t2 = fp2_mul(p->z, q->z);
    fp2 t3 = fp2_mul(fp2_add(p->x, p->y), fp2_add(q->x, q->y));
    fp2 t4 = fp2_add(t0, t1);
    t3 = fp2_sub(t3, t4);
    t4 = fp2_mul(fp2_add(p->y, p->z), fp2_add(q->y, q->z));
    fp2 x3 = fp2_add(t1, t2);
    t4 = fp2_sub(t4, x3);
    x3 = fp2_mul(fp2_add(p->x, p->z), fp2_add(q->x, q->z));
    fp2 y3 = fp2_add(t0, t2);
    y3 = fp2_sub(x3, y3);
    x3 = fp2_double(t0);
    t0 = fp2_add(x3, t0);
    t2 = fp2_times_curve_b3(t2);
    fp2 z3 = fp2_add(t1, t2);
    t1 = fp2_sub(t1, t2);
    y3 = fp2_times_curve_b3(y3);
    g2_point r = {
        fp2_difference_of_products(t3, t1, t4, y3),
        fp2_sum_of_products(t1, z3, y3, t0),
        fp2_sum_of_products(z3, t4, t0, t3),
    };
    *(g2_point *)result = r;
}

void fm_g2_double(void *result, const void *point) {
    const g2_point *p = point;
    fp2 t0 = fp2_square(p->y);
    fp2 y8 = fp2_double(fp2_double(fp2_double(t0)));
    fp2 t2 = fp2_times_curve_b3(fp2_square(p->z));
    fp2 t0m = fp2_sub(t0, fp2_add(fp2_double(t2), t2));
    g2_point r = {
        fp2_double(fp2_mul(t0m, fp2_mul(p->x, p->y))),
        fp2_sum_of_products(t2, y8, t0m, fp2_add(t0, t2)),
        fp2_mul(fp2_mul(p->y, p->z), y8),
    };
    *(g2_point *)result = r;
}

void fm_fp6_mul(void *result, const void *left, const void *right) {
    const fp6 *a = left, *b = right;
    fp2_wide t0 = fp2_product(a->c0, b->c0), t1 = fp2_product(a->c1, b->c1), t2 = fp2_product(a->c2, b->c2);
    fp2_wide c0 = fp2_product(fp2_add(a->c1, a->c2), fp2_add(b->c1, b->c2));
    c0 = fp2_wide_add(fp2_wide_times_nonresidue(fp2_wide_sub(fp2_wide_sub(c0, t1), t2)), t0);
    fp2_wide c1 = fp2_product(fp2_add(a->c0, a->c1), fp2_add(b->c0, b->c1));
    c1 = fp2_wide_add(fp2_wide_sub(fp2_wide_sub(c1, t0), t1), fp2_wide_times_nonresidue(t2));
    fp2_wide c2 = fp2_product(fp2_add(a->c0, a->c2), fp2_add(b->c0, b->c2));
    c2 = fp2_wide_add(fp2_wide_sub(fp2_wide_sub(c2, t0), t2), t1);
    fp6 r = {fp2_reduced(c0), fp2_reduced(c1), fp2_reduced(c2)};
    *(fp6 *)result = r;
}

static inline fp6 fp6_add(fp6 a, fp6 b) { return (fp6){fp2_add(a.c0, b.c0), fp2_add(a.c1, b.c1), fp2_add(a.c2, b.c2)}; }
static inline fp6 fp6_sub(fp6 a, fp6 b) { return (fp6){fp2_sub(a.c0, b.c0), fp2_sub(a.c1, b.c1), fp2_sub(a.c2, b.c2)}; }
static inline fp6 fp6_times_v(fp6 a) { return (fp6){fp2_times_nonresidue(a.c2), a.c0, a.c1}; }

// a·(b0 + b1·v): five double-width products, six reductions (Fp6.multiplied(by01:_:)).
static inline fp6 fp6_mul_by_01(fp6 a, fp2 b0, fp2 b1) {
    fp2_wide t0 = fp2_product(a.c0, b0), t1 = fp2_product(a.c1, b1);
    return (fp6){
        fp2_reduced(fp2_wide_add(fp2_wide_times_nonresidue(fp2_product(a.c2, b1)), t0)),
        fp2_reduced(fp2_wide_sub(fp2_wide_sub(fp2_product(fp2_add(a.c0, a.c1), fp2_add(b0, b1)), t0), t1)),
        fp2_reduced(fp2_wide_add(fp2_product(a.c2, b0), t1)),
    };
}

// a·(b1·v) (Fp6.multiplied(by1:)).
static inline fp6 fp6_mul_by_1(fp6 a, fp2 b1) {
    return (fp6){fp2_times_nonresidue(fp2_mul(a.c2, b1)), fp2_mul(a.c0, b1), fp2_mul(a.c1, b1)};
}

void fm_fp12_mul_by_014(void *result, const void *value, const void *b0, const void *b1, const void *b4) {
    const fp12 *a = value;
    fp2 l0 = *(const fp2 *)b0, l1 = *(const fp2 *)b1, l4 = *(const fp2 *)b4;
    fp6 t0 = fp6_mul_by_01(a->c0, l0, l1);
    fp6 t1 = fp6_mul_by_1(a->c1, l4);
    fp6 sum = fp6_mul_by_01(fp6_add(a->c0, a->c1), l0, fp2_add(l1, l4));
    fp12 r = {fp6_add(t0, fp6_times_v(t1)), fp6_sub(fp6_sub(sum, t0), t1)};
    *(fp12 *)result = r;
}

// (x + y·s)² in 𝔽p⁴ = 𝔽p²[s]/(s² - ξ): (x² + ξy², (x + y)² - x² - y²), four reductions (Fp12.fp4Square).
static inline void fp4_square(fp2 *r0, fp2 *r1, fp2 x, fp2 y) {
    fp2_wide t0 = fp2_wide_square(x), t1 = fp2_wide_square(y), sum = fp2_wide_square(fp2_add(x, y));
    *r0 = fp2_reduced(fp2_wide_add(fp2_wide_times_nonresidue(t1), t0));
    *r1 = fp2_reduced(fp2_wide_sub(fp2_wide_sub(sum, t0), t1));
}

// 3a ± 2b shapes of the Granger–Scott rows: (x - y)·2 + x and (x + y)·2 + x.
static inline fp2 thrice_minus_twice(fp2 x, fp2 y) { return fp2_add(fp2_double(fp2_sub(x, y)), x); }
static inline fp2 thrice_plus_twice(fp2 x, fp2 y) { return fp2_add(fp2_double(fp2_add(x, y)), x); }

void fm_cyclotomic_square_compressed(void *result, const void *value) {
    const compressed_cyclotomic *g = value;
    fp2 b0, b1, c0, c1;
    fp4_square(&b0, &b1, g->g3, g->g2);
    fp4_square(&c0, &c1, g->g1, g->g5);
    fp2 sc0 = fp2_times_nonresidue(c1);
    compressed_cyclotomic r = {
        thrice_minus_twice(b0, g->g1), thrice_minus_twice(c0, g->g2),
        thrice_plus_twice(sc0, g->g3), thrice_plus_twice(b1, g->g5),
    };
    *(compressed_cyclotomic *)result = r;
}

#endif
