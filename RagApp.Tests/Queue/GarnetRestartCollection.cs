namespace RagApp.Tests.Queue;

/// <summary>
/// The Garnet restart test runs alone, after the parallel tests: it stops and starts an in-process Garnet server on a
/// port and directory of its own, and it has timed out (60 s for four jobs to come back) twice in full-suite runs on a
/// loaded machine, never alone or in its namespace. Until the cause is known, it does not share the process's Garnet
/// instances, thread pool and cores with the rest of the suite.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GarnetRestartCollection
{
    public const string Name = "Garnet restart, alone";
}
