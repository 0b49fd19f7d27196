import Glibc

/// Bytes free to an unprivileged writer on the file system holding `path`, or nil when it cannot be asked.
public func freeBytes(at path: String) -> Int64? {
    var stats = statvfs()
    guard statvfs(path, &stats) == 0 else { return nil }
    let (blocks, size) = (Int64(clamping: stats.f_bavail), Int64(clamping: stats.f_frsize))
    let (bytes, overflow) = blocks.multipliedReportingOverflow(by: size)
    return overflow ? .max : bytes
}
