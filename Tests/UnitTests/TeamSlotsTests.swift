import Testing

@testable import VaultAPI
import TestSupport

/// The per-team cap on uploads in progress: a team over its limit is refused at once, others are not affected, and
/// a slot given back can be taken again.
@Suite(.timeLimit(.minutes(1))) struct TeamSlotsTests {
    @Test func aTeamHoldsAtMostItsLimitAndOthersAreNotAffected() {
        let slots = TeamSlots(limit: 4)
        #expect((0..<4).allSatisfy { _ in slots.take("team-a") })
        #expect(!slots.take("team-a"), "a fifth upload of the same team waits for one to end")
        #expect(slots.take("team-b"))
        slots.give("team-a")
        #expect(slots.take("team-a"))
        #expect(!slots.take("team-a"))
        for _ in 0..<8 { slots.give("team-a") }  // more gives than takes never make room beyond the limit
        #expect((0..<4).allSatisfy { _ in slots.take("team-a") } && !slots.take("team-a"))
    }
}
