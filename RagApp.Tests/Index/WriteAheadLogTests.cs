using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded.Storage;

namespace RagApp.Tests.Index;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Records_RoundTrip_ThroughTheFile()
    {
        var path = _directory.File("roundtrip.wal");
        var replace = Replace(1, "doc", 3);
        using (var log = WriteAheadLog.Open(path, out var initial, out _))
        {
            Assert.Empty(initial);
            log.Append(replace);
            log.Append(new DeleteDocumentRecord(2, "doc"));
        }

        using var reopened = WriteAheadLog.Open(path, out var records, out var discarded);

        Assert.Equal(0, discarded);
        Assert.Equal(2, records.Count);
        var read = Assert.IsType<ReplaceDocumentRecord>(records[0]);
        Assert.Equal(replace.Document with { Metadata = read.Document.Metadata }, read.Document);
        Assert.Equal(replace.Document.Metadata, read.Document.Metadata);
        AssertSameChunks(replace.Chunks, read.Chunks);
        Assert.Equal(new DeleteDocumentRecord(2, "doc"), records[1]);
    }

    [Fact]
    public void ATailCutAtAnyByte_KeepsEveryRecordBeforeIt()
    {
        var path = _directory.File("torn.wal");
        long lengthAfterFirst;
        long fullLength;
        using (var log = WriteAheadLog.Open(path, out _, out _))
        {
            log.Append(Replace(1, "first", 2));
            lengthAfterFirst = log.Length;
            log.Append(Replace(2, "second", 2));
            fullLength = log.Length;
        }

        var original = File.ReadAllBytes(path);
        for (var cut = lengthAfterFirst; cut < fullLength; cut++)
        {
            File.WriteAllBytes(path, original.AsSpan(0, (int)cut).ToArray());

            using var log = WriteAheadLog.Open(path, out var records, out var discarded);

            Assert.Equal(1, Assert.Single(records).Generation);
            Assert.Equal(cut - lengthAfterFirst, discarded);
            Assert.Equal(lengthAfterFirst, new FileInfo(path).Length);
        }
    }

    [Fact]
    public void ALogCutInsideItsMagic_StartsEmpty()
    {
        var path = _directory.File("new.wal");
        File.WriteAllBytes(path, "RAG"u8.ToArray());

        using var log = WriteAheadLog.Open(path, out var records, out var discarded);

        Assert.Empty(records);
        Assert.Equal(3, discarded);
    }

    [Fact]
    public void AForeignFile_IsRefused()
    {
        var path = _directory.File("foreign.wal");
        File.WriteAllBytes(path, "NOT A RAGAPP LOG"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => WriteAheadLog.Open(path, out _, out _));
    }

    /// <summary>Every field of every chunk, vectors value by value: a codec that reorders or rounds values fails here.</summary>
    private static void AssertSameChunks(IReadOnlyList<IndexedChunk> expected, IReadOnlyList<IndexedChunk> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (sent, read) in expected.Zip(actual))
        {
            Assert.Equal(sent with { Vector = default }, read with { Vector = default });
            Assert.Equal(sent.Vector.ToArray(), read.Vector.ToArray());
        }
    }

    private static ReplaceDocumentRecord Replace(long generation, string documentId, int chunks)
    {
        var random = new Random((int)generation);
        var document = new IndexedDocument
        {
            DocumentId = documentId,
            Title = "T",
            Metadata = new Dictionary<string, string> { ["k"] = "v" },
            EmbeddingModel = "m",
            EmbeddingDimensions = 8,
            IndexedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            ChunkCount = chunks,
        };
        var list = Enumerable.Range(0, chunks).Select(ordinal => new IndexedChunk
        {
            ChunkId = RagApp.Core.Documents.ChunkIds.Create(documentId, ordinal),
            Ordinal = ordinal,
            Text = $"text {ordinal}",
            Vector = SyntheticVectors.Unit(random, 8),
            Page = ordinal + 1,
            StartOffset = ordinal * 10,
            EndOffset = (ordinal * 10) + 6,
            Section = $"Section {ordinal}",
            ContentHash = $"hash {ordinal}",
        }).ToArray();
        return new ReplaceDocumentRecord(generation, document, list);
    }
}
