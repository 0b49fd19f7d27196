import NIOCore

/// Closes a connection whose client stopped reading what it is sent: when the channel stays unwritable (more than
/// NIO's high watermark queued for the peer) for `deadline`, nothing the client does will make progress, and the
/// response's buffers (a proxied chunk, a file's pages) would be held for as long as the client likes. Hummingbird's
/// idle timeout covers requests that stop arriving; this covers responses that stop leaving. Timers are the event
/// loop's: nothing runs while the channel drains normally.
final class StalledClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let deadline: TimeAmount
    private var closing: Scheduled<Void>?

    init(deadline: TimeAmount) { self.deadline = deadline }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            closing?.cancel()
            closing = nil
        } else if closing == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            closing = context.eventLoop.scheduleTask(in: deadline) {
                let context = loopBound.value
                guard !context.channel.isWritable else { return }
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closing?.cancel()
        closing = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing?.cancel()
        closing = nil
        context.fireChannelInactive()
    }
}
