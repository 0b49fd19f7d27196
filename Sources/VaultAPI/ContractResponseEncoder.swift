import Foundation
import Hummingbird
import VaultContract
import VaultDomain

/// The API's answers in `ContractJSON`'s configuration: types that write their own JSON (`JSONWritable`: pages of
/// generations) skip Foundation's encoder, the rest go through it.
public struct ContractResponseEncoder: ResponseEncoder {
    private static let encoder = ContractJSON.encoder()

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        guard let writable = value as? any JSONWritable else {
            return try Self.encoder.encode(value, from: request, context: context)
        }
        let bytes = JSONWriter.encode(writable, capacity: 64 << 10)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
