namespace RagApp.Tests.Queue;

/// <summary>The move from the former key layout on RagApp's embedded Garnet server (local mode's store).</summary>
public sealed class GarnetLegacyQueueKeyMigrationTests(GarnetQueueServerFixture server)
    : LegacyQueueKeyMigrationTests(server), IClassFixture<GarnetQueueServerFixture>;
