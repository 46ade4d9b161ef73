import FMCore

/// The simulator's scheduler draws from FMCore's seeded generator, so a seed replays exactly.
public typealias SimulationRandom = SeededRandom
