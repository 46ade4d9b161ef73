import FMBitcoin
import FMDatabase
import Foundation
import GRDB

/// fm-regtest's SQLite file: raw blocks, the UTXO set, the mempool and the wallet's keys.
/// Connecting a block (block row, spent and created coins, mined mempool entries) is one transaction.
final class RegtestStore: Sendable {
    static let schema = SubsystemSchema(
        prefix: "regtest",
        migrations: [
            SchemaMigration("v1 chain, utxo set, mempool, wallet") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE regtest_blocks (
                            height INTEGER PRIMARY KEY,
                            hash BLOB NOT NULL UNIQUE,
                            raw BLOB NOT NULL,
                            median_fee_rate INTEGER
                        );
                        CREATE TABLE regtest_utxos (
                            txid BLOB NOT NULL,
                            vout INTEGER NOT NULL,
                            value INTEGER NOT NULL,
                            script BLOB NOT NULL,
                            height INTEGER NOT NULL,
                            coinbase INTEGER NOT NULL,
                            PRIMARY KEY (txid, vout)
                        );
                        CREATE TABLE regtest_mempool (
                            sequence INTEGER PRIMARY KEY,
                            txid BLOB NOT NULL UNIQUE,
                            raw BLOB NOT NULL,
                            fee INTEGER NOT NULL
                        );
                        CREATE TABLE regtest_wallet_keys (
                            key_index INTEGER PRIMARY KEY,
                            script BLOB NOT NULL UNIQUE
                        );
                        """)
            }
        ])

    private let database: SQLiteDatabase

    init(path: String) throws {
        database = try SQLiteDatabase(path: path, schemas: [Self.schema])
    }

    struct Snapshot {
        var blocks: [(block: Block, medianFeeRate: UInt64?)]
        var utxos: [FMBitcoin.OutPoint: Coin]
        var mempool: [(transaction: Transaction, fee: UInt64, sequence: Int64)]
        var walletScripts: [Script]
    }

    /// Everything, for startup.
    func load() throws -> Snapshot {
        try database.readNow { db in
            var blocks: [(Block, UInt64?)] = []
            for row in try Row.fetchAll(db, sql: "SELECT height, raw, median_fee_rate FROM regtest_blocks ORDER BY height") {
                let height: Int = row["height"]
                guard height == blocks.count else { throw RegtestStoreError.corrupt("block heights are not contiguous at \(height)") }
                let rate: Int64? = row["median_fee_rate"]
                blocks.append((try Block(serialized: [UInt8](row["raw"] as Data)), rate.map { UInt64($0) }))
            }
            var utxos: [FMBitcoin.OutPoint: Coin] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT txid, vout, value, script, height, coinbase FROM regtest_utxos") {
                let outpoint = FMBitcoin.OutPoint(
                    txid: try FMBitcoin.Hash256(bytes: [UInt8](row["txid"] as Data)), index: UInt32(row["vout"] as Int64))
                let value: Int64 = row["value"]
                utxos[outpoint] = Coin(
                    output: TxOut(value: UInt64(value), scriptPubKey: Script([UInt8](row["script"] as Data))),
                    height: row["height"], isCoinbase: row["coinbase"] as Bool)
            }
            var mempool: [(Transaction, UInt64, Int64)] = []
            for row in try Row.fetchAll(db, sql: "SELECT sequence, raw, fee FROM regtest_mempool ORDER BY sequence") {
                let fee: Int64 = row["fee"]
                mempool.append((try Transaction(serialized: [UInt8](row["raw"] as Data)), UInt64(fee), row["sequence"]))
            }
            let scripts = try Data.fetchAll(db, sql: "SELECT script FROM regtest_wallet_keys ORDER BY key_index").map {
                Script([UInt8]($0))
            }
            return Snapshot(
                blocks: blocks.map { (block: $0.0, medianFeeRate: $0.1) }, utxos: utxos,
                mempool: mempool.map { (transaction: $0.0, fee: $0.1, sequence: $0.2) }, walletScripts: scripts)
        }
    }

    /// Stores block `height` and its effect on the UTXO set and mempool, atomically.
    func connect(
        _ block: Block, height: Int, medianFeeRate: UInt64?, spent: [FMBitcoin.OutPoint],
        created: [(FMBitcoin.OutPoint, Coin)], minedFromMempool: [FMBitcoin.Hash256]
    ) throws {
        try database.writeNow { db in
            try db.execute(
                sql: "INSERT INTO regtest_blocks (height, hash, raw, median_fee_rate) VALUES (?, ?, ?, ?)",
                arguments: [height, Data(block.hash.bytes), Data(block.serialized), medianFeeRate.map { Int64($0) }])
            for outpoint in spent {
                try db.execute(
                    sql: "DELETE FROM regtest_utxos WHERE txid = ? AND vout = ?",
                    arguments: [Data(outpoint.txid.bytes), Int64(outpoint.index)])
            }
            for (outpoint, coin) in created {
                try db.execute(
                    sql: "INSERT INTO regtest_utxos (txid, vout, value, script, height, coinbase) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        Data(outpoint.txid.bytes), Int64(outpoint.index), Int64(coin.output.value),
                        Data(coin.output.scriptPubKey.bytes), coin.height, coin.isCoinbase,
                    ])
            }
            for txid in minedFromMempool {
                try db.execute(sql: "DELETE FROM regtest_mempool WHERE txid = ?", arguments: [Data(txid.bytes)])
            }
        }
    }

    func addToMempool(_ entry: MempoolEntry) throws { try addToMempool([entry]) }

    /// Adds every entry (a package) in one transaction.
    func addToMempool(_ entries: [MempoolEntry]) throws {
        try database.writeNow { db in
            for entry in entries {
                try db.execute(
                    sql: "INSERT INTO regtest_mempool (sequence, txid, raw, fee) VALUES (?, ?, ?, ?)",
                    arguments: [entry.sequence, Data(entry.txid.bytes), Data(entry.transaction.serialized()), Int64(entry.fee)])
            }
        }
    }

    /// Removes evicted mempool entries in one transaction.
    func removeFromMempool(_ txids: [FMBitcoin.Hash256]) throws {
        try database.writeNow { db in
            for txid in txids {
                try db.execute(sql: "DELETE FROM regtest_mempool WHERE txid = ?", arguments: [Data(txid.bytes)])
            }
        }
    }

    func addWalletKey(index: Int, script: Script) throws {
        try database.writeNow { db in
            try db.execute(
                sql: "INSERT INTO regtest_wallet_keys (key_index, script) VALUES (?, ?)", arguments: [index, Data(script.bytes)])
        }
    }
}

enum RegtestStoreError: Error, CustomStringConvertible {
    case corrupt(String)
    var description: String {
        switch self {
        case .corrupt(let reason): return "fm-regtest database is inconsistent: \(reason)"
        }
    }
}
