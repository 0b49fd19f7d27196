import Foundation
import GRDB
import GRDBSQLite
import Storage

/// `vault_rank(generation_search, 'weight,per,column', 'rows,holding,each,phrase')`: FTS5's bm25, with each
/// phrase's inverse document frequency computed from the counts the query passes (the vocabulary's, remembered)
/// instead of counted for every query. FTS5's own `bm25()` walks the whole doclist of every phrase on each query to
/// count its rows (9 ms for two common words at a million prompts, whatever the page); the score is otherwise the
/// same: k1 = 1.2, b = 0.75, column weights, lower is better. A phrase whose count is negative or missing (prefixes,
/// quoted phrases) is weighed as if it were in a tenth of the rows.
enum RankFunction {
    static let name = "vault_rank"

    /// Makes `vault_rank` available on `db` (every connection of the archive, as it opens).
    static func register(_ db: Database) {
        let api = FTS5.api(db)
        _ = api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), name, nil, rank, nil)
    }
}

/// Per query (FTS5's auxiliary data): the average row length, the column weights and each phrase's IDF.
private struct RankQuery {
    var averageLength: Double
    var weights: [Double]
    var inverseFrequencies: [Double]
}

private let rank: fts5_extension_function = { api, context, result, count, values in
    guard let api = api?.pointee, let context, let result else { return }
    let query: RankQuery
    if let stored = api.xGetAuxdata(context, 0) {
        query = stored.assumingMemoryBound(to: RankQuery.self).pointee
    } else {
        query = makeQuery(api, context, Int(count), values)
        let stored = UnsafeMutablePointer<RankQuery>.allocate(capacity: 1)
        stored.initialize(to: query)
        let code = api.xSetAuxdata(context, stored) { pointer in
            guard let pointer else { return }
            let stored = pointer.assumingMemoryBound(to: RankQuery.self)
            stored.deinitialize(count: 1)
            stored.deallocate()
        }
        guard code == SQLITE_OK else { return sqlite3_result_error_code(result, code) }
    }
    let phrases = query.inverseFrequencies.count
    withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, phrases)) { frequencies in
        frequencies.initialize(repeating: 0)
        var instances: Int32 = 0
        _ = api.xInstCount(context, &instances)
        for index in 0..<max(0, instances) {
            var phrase: Int32 = 0
            var column: Int32 = 0
            var offset: Int32 = 0
            guard api.xInst(context, index, &phrase, &column, &offset) == SQLITE_OK,
                (0..<phrases).contains(Int(phrase))
            else { continue }
            let weight = query.weights.indices.contains(Int(column)) ? query.weights[Int(column)] : 1
            frequencies[Int(phrase)] += weight
        }
        var tokens: Int32 = 0
        _ = api.xColumnSize(context, -1, &tokens)
        let lengthFactor = 1 - 0.75 + 0.75 * Double(tokens) / query.averageLength
        var score = 0.0
        for phrase in 0..<phrases {
            let frequency = frequencies[phrase]
            score += query.inverseFrequencies[phrase] * (frequency * 2.2) / (frequency + 1.2 * lengthFactor)
        }
        sqlite3_result_double(result, -score)
    }
}

private func makeQuery(
    _ api: Fts5ExtensionApi, _ context: OpaquePointer, _ count: Int,
    _ values: UnsafeMutablePointer<OpaquePointer?>?
) -> RankQuery {
    /// A comma-separated list of numbers (argument 0: column weights, 1: each phrase's rows).
    func numbers(_ index: Int) -> [Double] {
        guard index < count, let value = values?[index], let text = sqlite3_value_text(value) else { return [] }
        return String(cString: text).split(separator: ",").map { Double($0).flatMap { $0.isFinite ? $0 : nil } ?? -1 }
    }
    var rows: Int64 = 0
    var tokens: Int64 = 0
    _ = api.xRowCount(context, &rows)
    _ = api.xColumnTotalSize(context, -1, &tokens)
    let columns = Int(api.xColumnCount(context))
    let phrases = Int(api.xPhraseCount(context))
    let documents = Double(max(rows, 1))
    let weights = numbers(0)
    let holding = numbers(1)
    return RankQuery(
        averageLength: max(Double(tokens) / documents, 1),
        weights: (0..<max(0, columns)).map { weights.indices.contains($0) && weights[$0] >= 0 ? weights[$0] : 1 },
        inverseFrequencies: (0..<max(0, phrases)).map { phrase in
            var holding = holding.indices.contains(phrase) ? holding[phrase] : -1
            if holding < 0 { holding = documents / 10 }
            holding = min(holding, documents)
            let inverse = log((documents - holding + 0.5) / (holding + 0.5))
            return inverse > 0 ? inverse : 1e-6
        })
}
