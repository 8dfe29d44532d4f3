using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Documents;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded;
using RagApp.Rag.Index.Search;
using static RagApp.Tests.Index.IndexOperation;

namespace RagApp.Tests.Index;

/// <summary>
/// Model-based tests of the embedded index: random interleavings of replaces, batches (the same document twice,
/// refused entries, keep-chunks), versioned and unversioned deletes, snapshots and restarts, checked after every step
/// against <see cref="IndexModel"/> — documents, chunks with vectors bit for bit, the document list, counts, the exact
/// generation, and searches that may only ever find current chunks of live documents.
/// </summary>
/// <remarks>
/// CsCheck's <c>SampleModelBased</c> compares actual and model only once, after the whole sequence, and wants
/// synchronous operations; a generated list of operations run here step by step checks after each one instead, and
/// CsCheck still shrinks a failing list. Every case comes from a fixed seed, so the suite runs the same cases each
/// time; only a failure samples further, to shrink.
/// </remarks>
public sealed class EmbeddedIndexModelTests
{
    private const string Model = "model-test";
    private const string OtherModel = "other-model";
    private const int Dimensions = 4;
    private const ulong SeedBase = 0x5EED_2026;
    private const int Cases = 100;
    private const int ShrinkSeconds = 20;
    private static readonly string[] DocumentIds = ["a", "b", "c", "d"];
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private static Gen<string> DocumentId => Gen.OneOf(DocumentIds);

    // Older, equal and newer versions than the one held all come up often in so small a range; 0 is unversioned.
    private static Gen<long> Version => Gen.Int[0, 5].Select(version => (long)version);

    // Small integer components: a non-zero vector, and exact directions two chunks rarely share.
    private static Gen<float[]> Vector => Gen.Int[-2, 2].Array[Dimensions].Select(components =>
    {
        var vector = components.Select(component => (float)component).ToArray();
        if (vector.All(component => component == 0))
        {
            vector[0] = 1;
        }

        return vector;
    });

    // Mostly writes that apply; keep-chunks, another model and each kind of bad chunk list now and then.
    private static Gen<WriteKind> Kind => Gen.Frequency(
        (28, WriteKind.Chunks),
        (6, WriteKind.KeepHeldContent),
        (2, WriteKind.KeepOtherContent),
        (2, WriteKind.OtherModel),
        (1, WriteKind.DuplicateOrdinal),
        (1, WriteKind.ForeignChunkId),
        (1, WriteKind.WrongDimensions),
        (1, WriteKind.ZeroVector),
        (1, WriteKind.NonFiniteValue));

    private static Gen<DocumentWrite> Write =>
        Gen.Select(DocumentId, Version, Kind, Gen.Int[0, 999], Vector.Array[0, 3], (id, version, kind, nonce, vectors) => new DocumentWrite(id, version, kind, nonce, vectors));

    private static Gen<IndexOperation> Operation => Gen.Frequency<IndexOperation>(
        (8, Write.Select(write => (IndexOperation)new Replace(write))),
        (3, Write.Array[1, 4].Select(writes => (IndexOperation)new ReplaceBatch(writes))),
        (4, Gen.Select(DocumentId, Version, (id, version) => (IndexOperation)new Delete(id, version))),
        (1, Gen.Const((IndexOperation)new Snapshot())),
        (2, Gen.Const((IndexOperation)new Reopen())));

    private static Gen<IndexOperation[]> Operations => Operation.Array[1, 30];

    // A write that reaches the log, then a crash part-way through it: replaces and deletes, one record each.
    private static Gen<IndexOperation> TornWrite => Gen.Frequency<IndexOperation>(
        (3, Write.Where(write => write.Kind == WriteKind.Chunks).Select(write => (IndexOperation)new Replace(write))),
        (1, Gen.Select(DocumentId, Version, (id, version) => (IndexOperation)new Delete(id, version))));

    [Fact]
    public async Task RandomOperations_KeepTheStoreEqualToTheModel_AfterEveryStep() =>
        await SampleFromFixedSeedsAsync(Operations, RunAsync, Print, Cases);

    /// <summary>
    /// The log's contract for a crash: every acknowledged write survives, and a write cut short before it was
    /// acknowledged (a torn tail) is dropped whole — the index restarts as the model stood before that write.
    /// </summary>
    [Fact]
    public async Task TornLastWrite_RestartsAsTheModelBeforeIt_AndTheLogGoesOn() =>
        await SampleFromFixedSeedsAsync(
            Gen.Select(Operation.Array[0, 20], TornWrite, Gen.Int[0, 999]),
            RunTornLastWriteAsync,
            torn => $"{Print(torn.Item1)}{Environment.NewLine}  torn: {torn.Item2} cut at {torn.Item3}/1000 of its bytes",
            Cases / 3);

    /// <summary>
    /// Runs <paramref name="cases"/> cases, each from a fixed seed, so every run of the suite checks the same ones; only a
    /// failure samples further (for <see cref="ShrinkSeconds"/>), to report the smallest case that fails.
    /// </summary>
    private static async Task SampleFromFixedSeedsAsync<T>(Gen<T> gen, Func<T, Task> run, Func<T, string> print, int cases)
    {
        for (var i = 0u; i < cases; i++)
        {
            var seed = new PCG(i, SeedBase).ToString();
            try
            {
                await gen.SampleAsync(run, seed: seed, iter: 1, threads: 1, print: print);
            }
            catch (CsCheckException)
            {
                await gen.SampleAsync(run, seed: seed, time: ShrinkSeconds, threads: 1, print: print);
                throw;
            }
        }
    }

    [Fact]
    public async Task SnapshotThenRestart_GivesBackTheVectorsItGaveBefore_BitForBit()
    {
        // The case the model found, shrunk: a snapshot holds vectors already normalised, and normalising them again
        // at load moved components by an ulp (3F5105EB became 3F5105EC), so a restart changed what GetChunks returned.
        var write = new DocumentWrite("b", 0, WriteKind.Chunks, 620, [[0, 2, -1, 1]]);

        await RunAsync([new Replace(write), new Snapshot(), new Reopen(), new Snapshot(), new Reopen()]);
    }

    private static string Print(IndexOperation[] operations) =>
        Environment.NewLine + string.Join(Environment.NewLine, operations.Select((operation, step) => $"  {step}: {operation}"));

    private static async Task RunAsync(IndexOperation[] operations)
    {
        using var directory = new TestDirectory();
        var store = Open(directory);
        try
        {
            store = await RunStepsAsync(store, directory, new IndexModel(), operations);
        }
        finally
        {
            store.Dispose();
        }
    }

    private static async Task RunTornLastWriteAsync((IndexOperation[] Operations, IndexOperation Torn, int Cut) crash)
    {
        using var directory = new TestDirectory();
        var model = new IndexModel();
        var store = Open(directory);
        try
        {
            store = await RunStepsAsync(store, directory, model, crash.Operations);
            var before = store.LogLength;
            // The write reaches the log, but the crash comes before it is acknowledged: the model never takes it.
            await WriteWithoutModelAsync(store, model, crash.Torn);
            var after = store.LogLength;
            store.Dispose();
            using (var log = new FileStream(directory.File(EmbeddedVectorStore.LogFileName), FileMode.Open))
            {
                log.SetLength(before + ((after - before) * crash.Cut / 1000));
            }

            store = Open(directory);
            await store.InitializeAsync(CancellationToken);
            try
            {
                await AssertHoldsModelAsync(store, model);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"After the torn write and a restart: {exception.Message}", exception);
            }

            // Sent again, the write applies at the next generation, and survives a restart like any other.
            store = await RunStepsAsync(store, directory, model, [crash.Torn, new Reopen()]);
        }
        finally
        {
            store.Dispose();
        }
    }

    private static async Task WriteWithoutModelAsync(EmbeddedVectorStore store, IndexModel model, IndexOperation operation)
    {
        switch (operation)
        {
            case Replace(var write):
                var replacement = ToReplacement(write, model);
                try
                {
                    await store.ReplaceDocumentAsync(replacement.Document, replacement.Chunks, CancellationToken);
                }
                catch (EmbeddingModelMismatchException)
                {
                    // Refused, so nothing reached the log; the model check after the restart covers it all the same.
                }

                break;
            case Delete(var documentId, var version):
                await store.DeleteDocumentAsync(documentId, version, CancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a single write");
        }
    }

    /// <summary>Applies each operation to store and model, and checks the store against the model after each one.</summary>
    private static async Task<EmbeddedVectorStore> RunStepsAsync(EmbeddedVectorStore store, TestDirectory directory, IndexModel model, IndexOperation[] operations)
    {
        for (var step = 0; step < operations.Length; step++)
        {
            try
            {
                store = await ApplyAsync(store, directory, model, operations[step]);
                await AssertHoldsModelAsync(store, model);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Step {step} ({operations[step]}): {exception.Message}", exception);
            }
        }

        return store;
    }

    private static EmbeddedVectorStore Open(TestDirectory directory) => new(
        Options.Create(new VectorStoreOptions { DataDirectory = directory.Path }), TimeProvider.System, NullLogger<EmbeddedVectorStore>.Instance);

    private static async Task<EmbeddedVectorStore> ApplyAsync(EmbeddedVectorStore store, TestDirectory directory, IndexModel model, IndexOperation operation)
    {
        switch (operation)
        {
            case Replace(var write):
            {
                // The single-document call has no keep-chunks form: a keep write sent through it is a replace by no chunks.
                var replacement = ToReplacement(write, model) with { KeepChunks = false };
                var expected = model.Replace(replacement, write.HasBadChunks);
                DocumentReplacementResult actual;
                try
                {
                    actual = await store.ReplaceDocumentAsync(replacement.Document, replacement.Chunks, CancellationToken);
                }
                catch (Exception refusal) when (refusal is ArgumentException or EmbeddingModelMismatchException)
                {
                    actual = DocumentReplacementResult.Refused(refusal);
                }

                AssertResult(expected, actual, write);
                break;
            }

            case ReplaceBatch(var writes):
            {
                // Each entry is built against the state earlier entries leave, as the store checks it.
                var replacements = new List<DocumentReplacement>(writes.Count);
                var expected = new List<DocumentReplacementResult>(writes.Count);
                foreach (var write in writes)
                {
                    var replacement = ToReplacement(write, model);
                    replacements.Add(replacement);
                    expected.Add(model.Replace(replacement, write.HasBadChunks));
                }

                var actual = await store.ReplaceDocumentsAsync(replacements, CancellationToken);
                Assert.Equal(writes.Count, actual.Count);
                for (var i = 0; i < writes.Count; i++)
                {
                    AssertResult(expected[i], actual[i], writes[i]);
                }

                break;
            }

            case Delete(var documentId, var version):
                Assert.Equal(model.Delete(documentId, version), await store.DeleteDocumentAsync(documentId, version, CancellationToken));
                break;

            case Snapshot:
                await store.SnapshotAsync(CancellationToken);
                Assert.Equal(0, store.LogRecordCount);
                break;

            case Reopen:
                store.Dispose();
                store = Open(directory);
                await store.InitializeAsync(CancellationToken);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "not an index operation");
        }

        return store;
    }

    private static void AssertResult(DocumentReplacementResult expected, DocumentReplacementResult actual, DocumentWrite write)
    {
        Assert.True(
            expected.Refusal?.GetType() == actual.Refusal?.GetType(),
            $"{write}: expected refusal {expected.Refusal?.GetType().Name ?? "none"}, got {actual.Refusal?.GetType().Name ?? "none"} ({actual.Refusal?.Message})");
        Assert.Equal(
            (expected.Generation, expected.Superseded, expected.ChunksMissing, expected.CurrentVersion),
            (actual.Generation, actual.Superseded, actual.ChunksMissing, actual.CurrentVersion));
    }

    /// <summary>The store's view of everything, compared with the model's.</summary>
    private static async Task AssertHoldsModelAsync(EmbeddedVectorStore store, IndexModel model)
    {
        var stats = await store.GetStatsAsync(CancellationToken);
        Assert.Equal(
            (model.Documents.Count, model.ChunkCount, model.Generation, model.EmbeddingModel, model.EmbeddingDimensions),
            (stats.DocumentCount, stats.ChunkCount, stats.Generation, stats.EmbeddingModel, stats.EmbeddingDimensions));
        Assert.Equal(model.Generation, await store.GetGenerationAsync(CancellationToken));

        foreach (var documentId in DocumentIds)
        {
            var held = model.Find(documentId);
            Assert.Equal(Describe(held?.Document), Describe(await store.GetDocumentAsync(documentId, CancellationToken)));
            Assert.Equal(Describe(held?.Chunks), Describe(await store.GetChunksAsync(documentId, includeVectors: true, CancellationToken)));
            var withoutVectors = await store.GetChunksAsync(documentId, includeVectors: false, CancellationToken);
            Assert.Equal(Describe(held?.Chunks.Select(chunk => chunk with { Vector = default }).ToList()), Describe(withoutVectors));
        }

        await AssertListsModelAsync(store, model, pageSize: 1);
        await AssertListsModelAsync(store, model, pageSize: 3);
        await AssertSearchFindsOnlyCurrentChunksAsync(store, model);
    }

    private static async Task AssertListsModelAsync(EmbeddedVectorStore store, IndexModel model, int pageSize)
    {
        var listed = new List<IndexedDocument>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            // More pages than documents would mean the cursor stopped moving on.
            Assert.True(pages <= model.Documents.Count + 1, $"listing with page size {pageSize} did not end after {pages} pages");
            var page = await store.ListDocumentsAsync(pageSize, cursor, CancellationToken);
            Assert.Equal(model.Documents.Count, page.TotalCount);
            Assert.True(page.Documents.Count <= pageSize, $"a page of size {pageSize} held {page.Documents.Count} documents");
            listed.AddRange(page.Documents);
            cursor = page.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        Assert.Equal(model.Documents.Values.Select(held => Describe(held.Document)), listed.Select(document => Describe(document)));
    }

    private static async Task AssertSearchFindsOnlyCurrentChunksAsync(EmbeddedVectorStore store, IndexModel model)
    {
        var dense = new SearchOptions { Mode = SearchMode.Dense };
        var everything = model.Documents.Values.SelectMany(held => held.Chunks.Select(chunk => DescribeHit(held.Document, chunk))).Order(StringComparer.Ordinal).ToList();
        if (everything.Count > 0)
        {
            var any = model.Documents.Values.First(held => held.Chunks.Count > 0).Chunks[0].Vector;
            var hits = await store.SearchAsync(any, null, everything.Count + 1, null, dense, CancellationToken);
            Assert.Equal(everything, hits.Select(hit => DescribeHit(hit.Document, hit.Chunk)).Order(StringComparer.Ordinal));
        }

        foreach (var documentId in DocumentIds)
        {
            var filter = new SearchFilter { DocumentIds = [documentId] };
            if (model.Find(documentId) is not { Chunks.Count: > 0 } held)
            {
                // Of the index's dimension, which a write of another model may have fixed.
                var probe = new float[model.EmbeddingDimensions == 0 ? Dimensions : model.EmbeddingDimensions];
                probe[0] = 1;
                Assert.Empty(await store.SearchAsync(probe, null, 10, filter, dense, CancellationToken));
                continue;
            }

            var expected = held.Chunks.Select(chunk => DescribeHit(held.Document, chunk)).Order(StringComparer.Ordinal).ToList();
            foreach (var chunk in held.Chunks)
            {
                var hits = await store.SearchAsync(chunk.Vector, null, held.Chunks.Count + 1, filter, dense, CancellationToken);
                Assert.Equal(expected, hits.Select(hit => DescribeHit(hit.Document, hit.Chunk)).Order(StringComparer.Ordinal));
                // The chunk's own vector ranks it first, or a chunk of exactly the same direction.
                var first = held.Chunks[hits[0].Chunk.Ordinal];
                Assert.True(
                    first.Ordinal == chunk.Ordinal || first.Vector.Span.SequenceEqual(chunk.Vector.Span),
                    $"searching {documentId} with the vector of chunk {chunk.Ordinal} ranked chunk {first.Ordinal} first");
            }
        }
    }

    /// <summary>The write as the store receives it: a document and its chunks, flawed or keep-chunks as its kind says.</summary>
    private static DocumentReplacement ToReplacement(DocumentWrite write, IndexModel model)
    {
        var otherModel = write.Kind == WriteKind.OtherModel;
        var dimensions = otherModel ? Dimensions - 1 : Dimensions;
        var document = new IndexedDocument
        {
            DocumentId = write.DocumentId,
            Title = $"Title {write.Nonce}",
            SourceName = write.DocumentId + ".txt",
            ContentType = "text/plain",
            ContentHash = $"hash {write.Vectors.Count}",
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["nonce"] = write.Nonce.ToString(CultureInfo.InvariantCulture) },
            EmbeddingModel = otherModel ? OtherModel : Model,
            EmbeddingDimensions = dimensions,
            // Whole milliseconds: the store keeps no finer time.
            IndexedAt = Epoch.AddMilliseconds(write.Nonce),
            Version = write.Version,
            ChunkCount = write.Vectors.Count,
        };

        if (write.KeepsChunks)
        {
            if (write.Kind == WriteKind.KeepHeldContent && model.Find(write.DocumentId) is { } held)
            {
                document = document with { ContentHash = held.Document.ContentHash, ChunkCount = held.Chunks.Count };
            }

            return new DocumentReplacement(document, [], KeepChunks: true);
        }

        var chunks = new List<IndexedChunk>(write.Vectors.Count);
        for (var ordinal = 0; ordinal < write.Vectors.Count; ordinal++)
        {
            var vector = write.Vectors[ordinal][..dimensions];
            if (vector.All(component => component == 0))
            {
                vector[0] = 1;
            }

            var text = $"{write.DocumentId} version {write.Version} chunk {ordinal} nonce {write.Nonce}";
            chunks.Add(new IndexedChunk
            {
                ChunkId = ChunkIds.Create(write.DocumentId, ordinal),
                Ordinal = ordinal,
                Text = text,
                Vector = vector,
                Page = ordinal + 1,
                StartOffset = ordinal * 100,
                EndOffset = (ordinal * 100) + text.Length,
                Section = $"Part {ordinal}",
                ContentHash = ContentHash.Of(text),
            });
        }

        if (write.HasBadChunks)
        {
            chunks[^1] = Flawed(chunks[^1], write);
        }

        return new DocumentReplacement(document, chunks);
    }

    private static IndexedChunk Flawed(IndexedChunk chunk, DocumentWrite write) => write.Kind switch
    {
        // The last chunk takes ordinal 0 again, or 1 when it is the only one: either way not 0..n-1 each once.
        WriteKind.DuplicateOrdinal => chunk with { Ordinal = chunk.Ordinal == 0 ? 1 : 0 },
        WriteKind.ForeignChunkId => chunk with { ChunkId = ChunkIds.Create(write.DocumentId + "-other", chunk.Ordinal) },
        WriteKind.WrongDimensions => chunk with { Vector = (float[])[.. chunk.Vector.Span, 1f] },
        WriteKind.ZeroVector => chunk with { Vector = new float[chunk.Vector.Length] },
        WriteKind.NonFiniteValue => chunk with { Vector = (float[])[float.NaN, .. chunk.Vector.Span[1..]] },
        _ => throw new ArgumentOutOfRangeException(nameof(write), write.Kind, "not a flaw"),
    };

    private static string Describe(IndexedDocument? document) => document is null
        ? "(none)"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{document.DocumentId} v{document.Version} '{document.Title}' {document.SourceName} {document.ContentType} {document.ContentHash} " +
            $"{{{string.Join(", ", document.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))}}} " +
            $"{document.EmbeddingModel}/{document.EmbeddingDimensions} {document.IndexedAt:O} chunks {document.ChunkCount}");

    private static string Describe(IReadOnlyList<IndexedChunk>? chunks) =>
        chunks is null ? "(none)" : string.Join(Environment.NewLine, chunks.Select(chunk => Describe(null, chunk)));

    /// <summary>A search hit: which version of which document, and the chunk without its vector (hits carry none).</summary>
    private static string DescribeHit(IndexedDocument document, IndexedChunk chunk) => Describe(document, chunk with { Vector = default });

    /// <summary>Every field of the chunk, vector components as bit patterns so equality is exact.</summary>
    private static string Describe(IndexedDocument? document, IndexedChunk chunk) => string.Create(
        CultureInfo.InvariantCulture,
        $"{document?.DocumentId}{(document is null ? "" : $" v{document.Version} ")}{chunk.ChunkId} #{chunk.Ordinal} '{chunk.Text}' p{chunk.Page} " +
        $"{chunk.StartOffset}-{chunk.EndOffset} {chunk.Section} {chunk.ContentHash} " +
        $"[{string.Join(' ', chunk.Vector.ToArray().Select(component => BitConverter.SingleToInt32Bits(component).ToString("X8", CultureInfo.InvariantCulture)))}]");
}
