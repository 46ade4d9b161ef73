import Testing

@testable import FMServer

/// When a guardian reports its state digest (``DigestReportSchedule``): a block of one guardian's report is neither
/// traffic nor a pause, so reports do not set each other off.
@Suite struct DigestReportScheduleTests {
    @Test("a lone client's transactions, each followed by a block of another guardian's report, report every 8 blocks, not after each")
    func reportsDoNotSetEachOtherOff() {
        var schedule = DigestReportSchedule()
        var reports: [UInt64] = []
        // Height 0: a guardian that just started reports once.
        if schedule.shouldReport(afterBlock: 0, changedState: true, empty: false) { reports.append(0) }
        for height in UInt64(1)..<41 {
            let transaction = height % 2 == 1  // transaction, report block, transaction, …
            if schedule.shouldReport(afterBlock: height, changedState: transaction, empty: false) { reports.append(height) }
        }
        #expect(reports == [0, 8, 16, 24, 32, 40])
    }

    @Test("when traffic stops, the first empty block reports once; an idle federation's empty blocks never")
    func aPauseReportsOnceAndIdlenessNever() {
        var schedule = DigestReportSchedule()
        // (height, changed state, empty, reports): traffic, others' reports, the pause, idleness, traffic again (due
        // at once: more than 8 blocks since the last report).
        var steps: [(UInt64, Bool, Bool, Bool)] = [(0, true, false, true), (1, true, false, false), (2, false, false, false), (3, false, true, true)]
        for height in UInt64(4)..<40 { steps.append((height, false, height % 3 != 0, false)) }
        steps.append((40, true, false, true))
        for (height, changed, empty, expected) in steps {
            let reported = schedule.shouldReport(afterBlock: height, changedState: changed, empty: empty)
            #expect(reported == expected, "block \(height)")
        }
    }
}
