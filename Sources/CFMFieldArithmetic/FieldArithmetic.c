// The kernels of CFMFieldArithmetic.h. Each is one asm block over a window of seven registers t0..t6 holding the
// running value: a row adds x·(six limbs) to it with mulx, the low halves on the CF chain (adcx) and the high
// halves on the OF chain (adox), so the two carry chains run in parallel. A Montgomery row makes the lowest word
// zero and the window then rotates (the zeroed register becomes the new top word), so the shift costs nothing.
// The final subtraction of p is selected by cmov: no branch and no memory index depends on the values.
// Every block is volatile (its results leave through memory only, so GCC would delete it otherwise), and the input
// pointers it reuses as scratch registers are early-clobber (else, with r == a visible to the compiler, one
// register could hold both and the stores would go astray): review 15.
#include "CFMFieldArithmetic.h"

bool fm_fp_has_adx_flag = false;

#if defined(__x86_64__)

#include <cpuid.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__attribute__((constructor)) static void fm_fp_detect_adx(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return;
    const char *portable = getenv("FM_BLS_PORTABLE");
    fm_fp_has_adx_flag = (ebx & bit_BMI2) && (ebx & bit_ADX) && !(portable && strcmp(portable, "1") == 0);
}

#include "Modulus.h"

#define A_LIMBS "0(%[a])", "8(%[a])", "16(%[a])", "24(%[a])", "32(%[a])", "40(%[a])"
#define P_LIMBS "%[p0]", "%[p1]", "%[p2]", "%[p3]", "%[p4]", "%[p5]"
// The window, rotated k times.
#define W0 "%[t0]", "%[t1]", "%[t2]", "%[t3]", "%[t4]", "%[t5]", "%[t6]"
#define W1 "%[t1]", "%[t2]", "%[t3]", "%[t4]", "%[t5]", "%[t6]", "%[t0]"
#define W2 "%[t2]", "%[t3]", "%[t4]", "%[t5]", "%[t6]", "%[t0]", "%[t1]"
#define W3 "%[t3]", "%[t4]", "%[t5]", "%[t6]", "%[t0]", "%[t1]", "%[t2]"
#define W4 "%[t4]", "%[t5]", "%[t6]", "%[t0]", "%[t1]", "%[t2]", "%[t3]"
#define W5 "%[t5]", "%[t6]", "%[t0]", "%[t1]", "%[t2]", "%[t3]", "%[t4]"

// T0..T6 += rdx·(S0..S5); flags clear on entry. No carry leaves T6 (the callers' bounds).
#define MAC(S0, S1, S2, S3, S4, S5, T0, T1, T2, T3, T4, T5, T6) \
    "mulxq " S0 ", %[lo], %[hi]\n\t adcxq %[lo], " T0 "\n\t adoxq %[hi], " T1 "\n\t" \
    "mulxq " S1 ", %[lo], %[hi]\n\t adcxq %[lo], " T1 "\n\t adoxq %[hi], " T2 "\n\t" \
    "mulxq " S2 ", %[lo], %[hi]\n\t adcxq %[lo], " T2 "\n\t adoxq %[hi], " T3 "\n\t" \
    "mulxq " S3 ", %[lo], %[hi]\n\t adcxq %[lo], " T3 "\n\t adoxq %[hi], " T4 "\n\t" \
    "mulxq " S4 ", %[lo], %[hi]\n\t adcxq %[lo], " T4 "\n\t adoxq %[hi], " T5 "\n\t" \
    "mulxq " S5 ", %[lo], %[hi]\n\t adcxq %[lo], " T5 "\n\t adoxq %[hi], " T6 "\n\t" \
    "adcq $0, " T6 "\n\t"
#define MAC_(...) MAC(__VA_ARGS__)

// T0..T6 = a·b[0] (nothing to add to yet).
#define FIRST_ROW(T0, T1, T2, T3, T4, T5, T6) \
    "movq 0(%[b]), %[dx]\n\t" \
    "mulxq 0(%[a]), " T0 ", " T1 "\n\t" \
    "mulxq 8(%[a]), %[lo], " T2 "\n\t addq %[lo], " T1 "\n\t" \
    "mulxq 16(%[a]), %[lo], " T3 "\n\t adcq %[lo], " T2 "\n\t" \
    "mulxq 24(%[a]), %[lo], " T4 "\n\t adcq %[lo], " T3 "\n\t" \
    "mulxq 32(%[a]), %[lo], " T5 "\n\t adcq %[lo], " T4 "\n\t" \
    "mulxq 40(%[a]), %[lo], " T6 "\n\t adcq %[lo], " T5 "\n\t" \
    "adcq $0, " T6 "\n\t"
#define FIRST_ROW_(...) FIRST_ROW(__VA_ARGS__)

// T += a·b[I]; the top word T6 is zero on entry.
#define MUL_ROW(I, ...) "movq " #I "*8(%[b]), %[dx]\n\t xorl %k[lo], %k[lo]\n\t" MAC_(A_LIMBS, __VA_ARGS__)
// m = T0·(-p^-1) mod 2^64, T += m·p: T0 becomes zero. The top word T6 is zero on entry.
#define RED_ROW_(T0, ...) "movq " T0 ", %[dx]\n\t imulq %[n0], %[dx]\n\t xorl %k[lo], %k[lo]\n\t" MAC_(P_LIMBS, T0, __VA_ARGS__)
#define RED_ROW(...) RED_ROW_(__VA_ARGS__)

// r = R - p if that does not borrow, else R (R < 2p), through the scratch registers S0..S5; stores to r.
#define SUBTRACT_P_STORE(R0, R1, R2, R3, R4, R5, S0, S1, S2, S3, S4, S5) \
    "movq " R0 ", " S0 "\n\t subq %[p0], " S0 "\n\t" \
    "movq " R1 ", " S1 "\n\t sbbq %[p1], " S1 "\n\t" \
    "movq " R2 ", " S2 "\n\t sbbq %[p2], " S2 "\n\t" \
    "movq " R3 ", " S3 "\n\t sbbq %[p3], " S3 "\n\t" \
    "movq " R4 ", " S4 "\n\t sbbq %[p4], " S4 "\n\t" \
    "movq " R5 ", " S5 "\n\t sbbq %[p5], " S5 "\n\t" \
    "cmovcq " R0 ", " S0 "\n\t cmovcq " R1 ", " S1 "\n\t cmovcq " R2 ", " S2 "\n\t" \
    "cmovcq " R3 ", " S3 "\n\t cmovcq " R4 ", " S4 "\n\t cmovcq " R5 ", " S5 "\n\t" \
    "movq " S0 ", 0(%[r])\n\t movq " S1 ", 8(%[r])\n\t movq " S2 ", 16(%[r])\n\t" \
    "movq " S3 ", 24(%[r])\n\t movq " S4 ", 32(%[r])\n\t movq " S5 ", 40(%[r])\n\t"

#define P_OPERANDS \
    [p0] "m"(FM_MODULUS[0]), [p1] "m"(FM_MODULUS[1]), [p2] "m"(FM_MODULUS[2]), [p3] "m"(FM_MODULUS[3]), [p4] "m"(FM_MODULUS[4]), [p5] "m"(FM_MODULUS[5]), [n0] "m"(FM_MODULUS_INVERSE_NEGATED)

// CIOS: six rounds of T += a·b[i], then T = (T + m·p)/2^64. T stays below 2p (p < 2^382), so seven words hold it
// and the last one is zero after each reduction.
void fm_fp_mul(void *r, const void *a, const void *b) {
    uint64_t t0, t1, t2, t3, t4, t5, t6, lo, hi, dx;
    __asm__ volatile(
        FIRST_ROW_(W0) RED_ROW(W0)
        MUL_ROW(1, W1) RED_ROW(W1)
        MUL_ROW(2, W2) RED_ROW(W2)
        MUL_ROW(3, W3) RED_ROW(W3)
        MUL_ROW(4, W4) RED_ROW(W4)
        MUL_ROW(5, W5) RED_ROW(W5)
        // The result is t6, t0..t4 (t5 is zero); a and b are read no more.
        SUBTRACT_P_STORE("%[t6]", "%[t0]", "%[t1]", "%[t2]", "%[t3]", "%[t4]",
                         "%[t5]", "%[lo]", "%[hi]", "%[dx]", "%[a]", "%[b]")
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [lo] "=&r"(lo), [hi] "=&r"(hi), [dx] "=&d"(dx), [a] "+&r"(a), [b] "+&r"(b)
        : [r] "r"(r), P_OPERANDS
        : "cc", "memory");
}

// Schoolbook, row by row: after row i the window's lowest word is final (limb i) and is stored.
void fm_fp_mul_wide(void *r, const void *a, const void *b) {
    uint64_t t0, t1, t2, t3, t4, t5, t6, lo, hi, dx;
#define NEXT_ROW(I, T0, ...) "movq " T0 ", " #I "*8-8(%[r])\n\t xorq " T0 ", " T0 "\n\t" MUL_ROW(I, __VA_ARGS__, T0)
#define NEXT_ROW_(...) NEXT_ROW(__VA_ARGS__)
    __asm__ volatile(
        FIRST_ROW_(W0)
        NEXT_ROW_(1, W0) NEXT_ROW_(2, W1) NEXT_ROW_(3, W2) NEXT_ROW_(4, W3) NEXT_ROW_(5, W4)
        "movq %[t5], 40(%[r])\n\t movq %[t6], 48(%[r])\n\t movq %[t0], 56(%[r])\n\t"
        "movq %[t1], 64(%[r])\n\t movq %[t2], 72(%[r])\n\t movq %[t3], 80(%[r])\n\t movq %[t4], 88(%[r])\n\t"
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [lo] "=&r"(lo), [hi] "=&r"(hi), [dx] "=&d"(dx)
        : [r] "r"(r), [a] "r"(a), [b] "r"(b)
        : "cc", "memory");
#undef NEXT_ROW
#undef NEXT_ROW_
}

// Montgomery's REDC of the low half L (six rounds; L + M·p over 2^384 is at most p), plus the high half H
// (below p, since t < p·2^384): below 2p, so one conditional subtraction.
void fm_fp_reduce(void *r, const void *t) {
    uint64_t t0, t1, t2, t3, t4, t5, t6, lo, hi, dx, x;
    __asm__ volatile(
        "movq 0(%[t]), %[t0]\n\t movq 8(%[t]), %[t1]\n\t movq 16(%[t]), %[t2]\n\t"
        "movq 24(%[t]), %[t3]\n\t movq 32(%[t]), %[t4]\n\t movq 40(%[t]), %[t5]\n\t xorl %k[t6], %k[t6]\n\t"
        RED_ROW(W0) RED_ROW(W1) RED_ROW(W2) RED_ROW(W3) RED_ROW(W4) RED_ROW(W5)
        "addq 48(%[t]), %[t6]\n\t adcq 56(%[t]), %[t0]\n\t adcq 64(%[t]), %[t1]\n\t"
        "adcq 72(%[t]), %[t2]\n\t adcq 80(%[t]), %[t3]\n\t adcq 88(%[t]), %[t4]\n\t"
        SUBTRACT_P_STORE("%[t6]", "%[t0]", "%[t1]", "%[t2]", "%[t3]", "%[t4]",
                         "%[t5]", "%[lo]", "%[hi]", "%[dx]", "%[t]", "%[x]")
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
          [t6] "=&r"(t6), [lo] "=&r"(lo), [hi] "=&r"(hi), [dx] "=&d"(dx), [x] "=&r"(x), [t] "+&r"(t)
        : [r] "r"(r), P_OPERANDS
        : "cc", "memory");
}

#endif
