// Tests draw from the same seeded generator as the consensus simulator.
@_exported import struct FMCore.SeededRandom
