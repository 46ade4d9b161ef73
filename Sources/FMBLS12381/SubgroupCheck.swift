// Fast subgroup membership tests (M. Scott, "A note on group membership tests for G1, G2 and GT on BLS
// pairing-friendly curves", 2021), each costing multiplications by the 64-bit |x| instead of one by the
// 255-bit r. x = -0xd201000000010000 is the curve parameter.

extension ProjectivePoint where F == Fp {
    /// σ(x, y) = (βx, y) with β the cube root of unity for which σ acts on G1 as multiplication by -x².
    @inlinable
    func sigma() -> ProjectivePoint {
        let beta = Fp(montgomery: 0x30f1_361b_798a_64e8, 0xf3b8_ddab_7ece_5a2a, 0x16a8_ca3a_c615_77f7,
                      0xc26a_2ff8_74fd_029b, 0x3636_b766_6070_1c6e, 0x051b_a4ab_241b_6160)
        return ProjectivePoint(x: x * beta, y: y, z: z)
    }

    /// P ∈ G1 ⇔ σ(P) = -x²·P.
    @usableFromInline
    var isInG1: Bool {
        let xSquaredP = multipliedBySparseConstant(curveParameterMagnitude)
            .multipliedBySparseConstant(curveParameterMagnitude)
        return sigma() == -xSquaredP
    }
}

extension ProjectivePoint where F == Fp2 {
    /// ψ = untwist ∘ Frobenius ∘ twist: (x, y) ↦ (x̄·ξ^(-(p-1)/3), ȳ·ξ^(-(p-1)/2)).
    @inlinable
    func psi() -> ProjectivePoint {
        let c1 = Fp2(c0: .zero,
                     c1: Fp(montgomery: 0x890d_c9e4_8675_45c3, 0x2af3_2253_3285_a5d5, 0x5088_0866_309b_7e2c,
                            0xa20d_1b8c_7e88_1024, 0x14e4_f04f_e2db_9068, 0x14e5_6d3f_1564_853a))
        let c2 = Fp2(c0: Fp(montgomery: 0x3e2f_585d_a55c_9ad1, 0x4294_213d_86c1_8183, 0x3828_44c8_8b62_3732,
                            0x92ad_2afd_1910_3e18, 0x1d79_4e4f_ac7c_f0b9, 0x0bd5_92fc_7d82_5ec8),
                     c1: Fp(montgomery: 0x7bcf_a7a2_5aa3_0fda, 0xdc17_dec1_2a92_7e7c, 0x2f08_8dd8_6b4e_bef1,
                            0xd1ca_2087_da74_d4a7, 0x2da2_5966_96ce_bc1d, 0x0e2b_7eed_bbfd_87d2))
        return ProjectivePoint(x: x.conjugate() * c1, y: y.conjugate() * c2, z: z.conjugate())
    }

    /// P ∈ G2 ⇔ ψ(P) = x·P.
    @usableFromInline
    var isInG2: Bool {
        psi() == -multipliedBySparseConstant(curveParameterMagnitude)
    }
}
