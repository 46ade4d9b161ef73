import FMClientCore
import FMCore
import FMEncoding
import FMLightningCommon
import FMSecp256k1

extension LightningClientModule {
    /// Finds this mnemonic's contracts again: asks the federation for contracts by the payments' refund keys and by
    /// the receives' claim keys at indices 0, 1, … until `gapLimit` consecutive keys of each have none. Each funded
    /// outgoing contract becomes a payment operation (which refunds it once due), each funded incoming contract a
    /// receive operation (which claims it). Returns how many contracts were found and how much the funded ones hold.
    public func recoverContracts(gapLimit: UInt64 = 20) async throws -> (contracts: Int, fundedMsat: UInt64) {
        var found = 0
        var funded = Amount.zero
        try await scan(purpose: Self.refundPurpose, key: refundKey(index:), gapLimit: gapLimit) { raw, state, index in
            guard let contract = try? OutgoingContract(canonicalBytes: raw), contract.userRefundKey == refundKey(index: index).xOnlyPublicKey
            else { return false }
            found += 1
            if state == .funded {
                funded = try funded.adding(contract.amount)
                try await adoptFunded(contract, refundIndex: index)
            }
            return true
        }
        try await scan(purpose: Self.receivePurpose, key: receiveKey(index:), gapLimit: gapLimit) { raw, state, index in
            guard let contract = try? IncomingContract(canonicalBytes: raw),
                contract.terms.receiverClaimKey == receiveKey(index: index).xOnlyPublicKey
            else { return false }
            found += 1
            if state == .funded {
                funded = try funded.adding(contract.amount)
                try await adoptFunded(contract, claimIndex: index)
            }
            return true
        }
        return (found, funded.msats)
    }

    /// Asks `ln/contracts_by_key` for the keys of `purpose` in batches of `gapLimit` until a whole batch past the last
    /// used index is empty; `handle` gets each contract's bytes, state and key index and says whether it belongs to
    /// that key. The purpose's derivation index is raised past the last used one, so new operations use fresh keys.
    private func scan(
        purpose: String, key: (UInt64) -> Keypair, gapLimit: UInt64,
        handle: (_ contract: [UInt8], _ state: ContractState, _ index: UInt64) async throws -> Bool
    ) async throws {
        var index: UInt64 = 0
        var lastUsed: UInt64? = nil
        let batchSize = max(1, min(gapLimit, UInt64(LightningAPI.maxKeysPerCall)))
        while index < (lastUsed.map { $0 + 1 } ?? 0) + gapLimit {
            let batch = (index..<index + batchSize).map { ($0, key($0).xOnlyPublicKey) }
            let result = try await api.settledConsensus(
                "\(LightningClientModule.kind)/\(LightningAPI.contractsByKey)",
                params: LightningAPI.ContractsByKeyParams(keys: batch.map { Hex.encode($0.1.rawRepresentation) }),
                as: LightningAPI.ContractsByKeyResult.self)
            for keyed in result.contracts {
                guard let raw = Hex.decode(keyed.contract),
                    let position = try await firstIndex(in: batch, claiming: raw, state: keyed.state, handle: handle)
                else { throw LightningClientError.malformedAnswer("a contract that none of the asked keys owns") }
                lastUsed = max(lastUsed ?? 0, position)
            }
            index += batchSize
        }
        if let lastUsed {
            let instance = instance
            try await context.database.write { db in
                try DerivationIndices.raise(to: lastUsed + 1, module: instance, purpose: purpose, in: db)
            }
        }
    }

    private func firstIndex(
        in batch: [(UInt64, XOnlyPublicKey)], claiming raw: [UInt8], state: ContractState,
        handle: (_ contract: [UInt8], _ state: ContractState, _ index: UInt64) async throws -> Bool
    ) async throws -> UInt64? {
        for (index, _) in batch where try await handle(raw, state, index) { return index }
        return nil
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

    /// Records a receive operation, waiting for the decryption shares, for a funded incoming contract found by
    /// recovery (its invoice is gone; the contract alone is what the claim needs).
    func adoptFunded(_ contract: IncomingContract, claimIndex: UInt64) async throws {
        let id = LightningReceive.operationID(for: contract)
        try await executor.log.database.write { db in
            guard try OperationLog.state(id, as: LightningReceive.self, in: db) == nil else { return }
            try OperationLog.insert(
                LightningReceive(
                    contract: contract, claimIndex: claimIndex, invoiceAmount: contract.amount, description: "",
                    expirySecs: 0, gatewayApiUrl: nil, phase: .awaitingFunding),
                id: id, in: db)
        }
    }
}
