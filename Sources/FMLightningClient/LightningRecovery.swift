import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMSecp256k1

extension LightningClientModule {
    /// Finds this mnemonic's outgoing contracts again: asks the federation for contracts by the refund keys at
    /// indices 0, 1, … until `gapLimit` consecutive keys have none, and resumes a payment operation for each funded
    /// one (which refunds it once it is due). Returns how many contracts were found and how much they hold.
    public func recoverContracts(gapLimit: UInt64 = 20) async throws -> (contracts: Int, fundedMsat: UInt64) {
        var index: UInt64 = 0
        var lastUsed: UInt64? = nil
        var found = 0
        var funded = Amount.zero
        while index < (lastUsed.map { $0 + 1 } ?? 0) + gapLimit {
            let batch = (index..<index + gapLimit).map { ($0, refundKey(index: $0)) }
            let result = try await api.consensus(
                "\(LightningClientModule.kind)/\(LightningAPI.contractsByKey)",
                params: LightningAPI.ContractsByKeyParams(keys: batch.map { Hex.encode($0.1.xOnlyPublicKey.rawRepresentation) }),
                as: LightningAPI.ContractsByKeyResult.self)
            for keyed in result.contracts {
                guard let raw = Hex.decode(keyed.contract), let contract = try? OutgoingContract(canonicalBytes: raw),
                    let position = batch.first(where: { $0.1.xOnlyPublicKey == contract.userRefundKey })?.0
                else { throw LightningClientError.malformedAnswer("a contract that none of the asked keys refunds") }
                lastUsed = max(lastUsed ?? 0, position)
                found += 1
                guard keyed.state == .funded else { continue }
                funded = try funded.adding(contract.amount)
                try await adoptFunded(contract, refundIndex: position)
            }
            index += gapLimit
        }
        if let lastUsed {
            let instance = instance
            try await context.database.write { db in
                try DerivationIndices.raise(to: lastUsed + 1, module: instance, purpose: LightningClientModule.refundPurpose, in: db)
            }
        }
        return (found, funded.msats)
    }

    /// Records a payment operation, already past funding, for a funded contract found by recovery.
    func adoptFunded(_ contract: OutgoingContract, refundIndex: UInt64) async throws {
        let id = LightningPay.operationID(for: contract)
        try await executor.log.database.write { db in
            guard try OperationLog.state(id, as: LightningPay.self, in: db) == nil else { return }
            var state = LightningPay(
                contract: contract, refundIndex: refundIndex,
                fundingOperation: LightningPay.fundingOperationID(for: contract),
                invoiceAmount: contract.amount)
            state.phase = .awaitingOutcome
            try OperationLog.insert(state, id: id, in: db)
        }
    }
}
