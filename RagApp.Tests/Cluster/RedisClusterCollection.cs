namespace RagApp.Tests.Cluster;

/// <summary>
/// The tests against a real Redis Cluster share one three-primary cluster and run alone, one after another: three
/// redis-server processes and their gossip on a 2-core machine should not also compete with the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis Cluster, alone";
}
