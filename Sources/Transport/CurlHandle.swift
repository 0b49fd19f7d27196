import CCurl
import Foundation

/// One libcurl easy handle. Used by one transfer at a time (the pool hands it out exclusively).
final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private(set) var maxRedirects = 0

    init() {
        guard let raw = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.raw = raw
    }

    deinit {
        releaseRequestHeaders()
        curl_easy_cleanup(raw)
    }

    func reset() {
        releaseRequestHeaders()
        curl_easy_reset(raw)  // keeps the connection cache, so keep-alive survives between requests
    }

    func releaseRequestHeaders() {
        if let requestHeaders { curl_slist_free_all(requestHeaders) }
        requestHeaders = nil
    }

    func prepare(_ request: HTTPRequest, userAgent: String, transfer: Transfer) throws(TransportError) {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_USERAGENT, userAgent)
        try set(CURLOPT_NOSIGNAL, 1)
        switch request.method {
        case "GET": break
        case "HEAD": try set(CURLOPT_NOBODY, 1)
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method)
            // libcurl silently resends a request whose reused keep-alive connection turns out dead. For a create
            // that is a second (billed) prediction if the server had already acted on the first: a request that is
            // not idempotent always gets a connection of its own, so any failure is reported, never retried.
            try set(CURLOPT_FRESH_CONNECT, 1)
        }
        if let file = request.bodyFile {
            // Streamed from disk by the read callback; UPLOAD keeps the method given above (PUT by default).
            try set(CURLOPT_UPLOAD, 1)
            try set(CURLOPT_INFILESIZE_LARGE, offset: try transfer.openUpload(file, range: request.bodyFileRange))
            try check(ccurl_setopt_data_callback(raw, CURLOPT_READFUNCTION, Transfer.readCallback))
            try check(ccurl_setopt_pointer(raw, CURLOPT_READDATA, Unmanaged.passUnretained(transfer).toOpaque()))
        } else if let body = request.body {
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
            // COPYPOSTFIELDS copies the bytes, so the Data may go away before the transfer runs.
            let code = body.withUnsafeBytes { bytes in
                ccurl_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            try check(code)
        }
        for header in request.headers {
            // A CR or LF in a value would start a header of its own: refused, whatever the caller checked.
            guard HTTPSyntax.isToken(header.name), HTTPSyntax.isFieldValue(header.value) else {
                throw .notSent("a request header holds a control character or an invalid name")
            }
            requestHeaders = curl_slist_append(requestHeaders, "\(header.name): \(header.value)")
        }
        if (request.body != nil || request.bodyFile != nil)
            && !request.headers.contains(where: { $0.name.lowercased() == "expect" })
        {
            requestHeaders = curl_slist_append(requestHeaders, "Expect:")  // no 100-continue round trip
        }
        if let requestHeaders { try check(ccurl_setopt_pointer(raw, CURLOPT_HTTPHEADER, requestHeaders)) }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(ccurl_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION, Transfer.writeCallback))
        try check(ccurl_setopt_pointer(raw, CURLOPT_WRITEDATA, context))
        try check(ccurl_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION, Transfer.headerCallback))
        try check(ccurl_setopt_pointer(raw, CURLOPT_HEADERDATA, context))
        try check(ccurl_setopt_progress_callback(raw, Transfer.progressCallback))
        if transfer.publicAddressesOnly {
            try check(ccurl_setopt_opensocket_callback(raw, Transfer.openSocketCallback))
            try check(ccurl_setopt_pointer(raw, CURLOPT_OPENSOCKETDATA, context))
            try check(ccurl_setopt_prereq_callback(raw, Transfer.prereqCallback))
            try check(ccurl_setopt_pointer(raw, CURLOPT_PREREQDATA, context))
            try set(CURLOPT_NOPROXY, "*")  // a proxy from the environment would make the check inspect the proxy
            try set(CURLOPT_FRESH_CONNECT, 1)  // never a pooled connection to wherever an earlier transfer went
            try set(CURLOPT_FORBID_REUSE, 1)
        }
        try check(ccurl_setopt_pointer(raw, CURLOPT_XFERINFODATA, context))
        try set(CURLOPT_NOPROGRESS, 0)
    }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        if option == CURLOPT_MAXREDIRS { maxRedirects = value }
        try check(ccurl_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, offset value: Int64) throws(TransportError) {
        try check(ccurl_setopt_off(raw, option, curl_off_t(value)))
    }

    func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(ccurl_setopt_string(raw, option, value))  // libcurl copies strings
    }

    var responseCode: Int {
        var code = 0
        _ = ccurl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    var effectiveURL: String? {
        var pointer: UnsafeMutablePointer<CChar>?
        _ = withUnsafeMutablePointer(to: &pointer) { ccurl_getinfo_pointer(raw, CURLINFO_EFFECTIVE_URL, $0) }
        return pointer.map { String(cString: $0) }
    }

    func errorMessage(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    private func check(_ code: CURLcode) throws(TransportError) {
        guard code == CURLE_OK else { throw .notSent("libcurl option rejected: \(errorMessage(code))") }
    }
}
