using Grpc.Core;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index.Embedded;
using RagApp.Rag.Index.Embedded.Storage;

namespace RagApp.Tests.Index;

/// <summary>
/// The embedded store starting on a log damaged in the middle: start-up stops naming file and offset, and with
/// VectorStore:RepairDamagedLog every intact document comes back exactly as it was written.
/// </summary>
public sealed class IndexLogDamageTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(11);

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private string LogPath => _directory.File(EmbeddedVectorStore.LogFileName);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task DamageInAMiddleRecord_StopsStartUp_NamingFileOffsetAndTheRepairSetting()
    {
        var (_, frames) = await WriteDocumentsAsync(4);
        FlipByte(LogPath, frames[1].Offset + (frames[1].Length / 2));

        var failure = await Assert.ThrowsAsync<DamagedLogException>(async () => await IndexServiceHost.StartAsync(_directory.Path));

        Assert.Contains(LogPath, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"damaged at byte {frames[1].Offset}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("VectorStore:RepairDamagedLog=true", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.damaged-*"));
    }

    [Fact]
    public async Task WithRepairOn_EveryIntactDocumentComesBackExactly_AndTheDamageIsReported()
    {
        var (written, frames) = await WriteDocumentsAsync(4);
        FlipByte(LogPath, frames[1].Offset + (frames[1].Length / 2));
        var damagedLog = await File.ReadAllBytesAsync(LogPath, CancellationToken);
        var repair = new Dictionary<string, string?> { ["VectorStore:RepairDamagedLog"] = "true" };

        await using (var repaired = await IndexServiceHost.StartAsync(_directory.Path, repair))
        {
            var report = Assert.IsType<LogRepairReport>(repaired.EmbeddedStore.LastLogRepair);
            Assert.Equal([new DamagedRegion(frames[1].Offset, frames[1].Length)], report.DroppedRegions);
            Assert.Equal(3, report.KeptRecords);
            Assert.Equal(damagedLog, await File.ReadAllBytesAsync(report.BackupPath, CancellationToken));
            Assert.StartsWith(LogPath + ".damaged-", report.BackupPath, StringComparison.Ordinal);

            await AssertHoldsExactlyAsync(repaired, written, lost: "doc-1");
            Assert.Equal(5, (await repaired.Client.UpsertAsync(TestDocument.Create("after", _random, "after one"))).Generation);
        }

        // The repaired log opens without the setting, with nothing left to repair.
        await using var restarted = await IndexServiceHost.StartAsync(_directory.Path);
        Assert.Null(restarted.EmbeddedStore.LastLogRepair);
        await AssertHoldsExactlyAsync(restarted, written, lost: "doc-1");
        Assert.Equal(4, (await restarted.Client.StatsAsync()).DocumentCount);
    }

    private static async Task AssertHoldsExactlyAsync(IndexServiceHost host, IReadOnlyList<(DocumentInfo Info, GetDocumentChunksResponse Chunks)> written, string lost)
    {
        foreach (var document in written)
        {
            if (document.Info.DocumentId == lost)
            {
                var missing = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.GetDocumentAsync(
                    new GetDocumentRequest { DocumentId = lost }, cancellationToken: CancellationToken));
                Assert.Equal(StatusCode.NotFound, missing.StatusCode);
                continue;
            }

            // Protobuf equality: every field of the document and of each chunk, vectors float by float.
            Assert.Equal(document.Info, await host.Client.GetDocumentAsync(
                new GetDocumentRequest { DocumentId = document.Info.DocumentId }, cancellationToken: CancellationToken));
            Assert.Equal(document.Chunks, await host.Client.ChunksAsync(document.Info.DocumentId, includeVectors: true));
        }
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }

    /// <summary>Writes documents doc-0.. one record each, and returns what the index served for them and where each record lies in the log.</summary>
    private async Task<(List<(DocumentInfo Info, GetDocumentChunksResponse Chunks)> Written, List<DamagedRegion> Frames)> WriteDocumentsAsync(int count)
    {
        var written = new List<(DocumentInfo Info, GetDocumentChunksResponse Chunks)>();
        var frames = new List<DamagedRegion>();
        await using var host = await IndexServiceHost.StartAsync(_directory.Path);
        for (var i = 0; i < count; i++)
        {
            var start = host.EmbeddedStore.LogLength;
            await host.Client.UpsertAsync(TestDocument.Create($"doc-{i}", _random, $"doc {i} one", $"doc {i} two", $"doc {i} three"));
            frames.Add(new DamagedRegion(start, host.EmbeddedStore.LogLength - start));
            written.Add((
                await host.Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = $"doc-{i}" }, cancellationToken: CancellationToken),
                await host.Client.ChunksAsync($"doc-{i}", includeVectors: true)));
        }

        return (written, frames);
    }
}
