using System.Buffers;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using RagApp.Rag.Index.Embedded.Storage;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// The index inside RagApp.Rag. State lives in memory (<see cref="EmbeddedIndex"/>); durability comes from a
/// write-ahead log fsync'd before a write returns, folded into a snapshot from time to time. Searches run in
/// parallel under a read lock; writes are serialised by a gate and swap state under the write lock only for the
/// in-memory apply, so disk I/O never blocks searches.
/// </summary>
internal sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    public const string StoreName = "embedded";
    public const string SnapshotFileName = "index.snapshot";
    public const string LogFileName = "index.wal";

    private readonly VectorStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EmbeddedVectorStore> _logger;
    private readonly ReaderWriterLockSlim _stateLock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _initializationLock = new();
    private Task? _initialization;
    private EmbeddedIndex _index;
    private WriteAheadLog? _log;
    private long _lastSnapshotTicks;
    private bool _disposed;

    public EmbeddedVectorStore(IOptions<VectorStoreOptions> options, TimeProvider timeProvider, ILogger<EmbeddedVectorStore> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _index = NewIndex();
        if (string.IsNullOrWhiteSpace(_options.DataDirectory))
        {
            throw new InvalidOperationException("VectorStore:DataDirectory is required for the embedded vector store.");
        }

        DataDirectory = Path.GetFullPath(_options.DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>Bytes in the write-ahead log; the compaction service snapshots when this grows too large.</summary>
    public long LogLength => _log?.Length ?? 0;

    public int LogRecordCount => _log?.RecordCount ?? 0;

    /// <summary>What the repair at start-up dropped and kept, when <see cref="VectorStoreOptions.RepairDamagedLog"/> found damage to repair.</summary>
    public LogRepairReport? LastLogRepair { get; private set; }

    public DateTimeOffset LastSnapshotAt => new(Interlocked.Read(ref _lastSnapshotTicks), TimeSpan.Zero);

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (_initializationLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                // A failed load is retried by the next caller rather than cached forever.
                _initialization = Task.Run(Load, CancellationToken.None);
            }

            return _initialization.IsCompletedSuccessfully ? Task.CompletedTask : _initialization.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A batch of one: the same checks and the same write as <see cref="ReplaceDocumentsAsync"/>.</summary>
    public async Task<DocumentReplacementResult> ReplaceDocumentAsync(IndexedDocument document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        var result = (await ReplaceDocumentsAsync([new DocumentReplacement(document, chunks)], cancellationToken))[0];
        if (result.Refusal is { } refusal)
        {
            ExceptionDispatchInfo.Throw(refusal);
        }

        return result;
    }

    public async Task<IReadOnlyList<DocumentReplacementResult>> ReplaceDocumentsAsync(
        IReadOnlyList<DocumentReplacement> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var results = new DocumentReplacementResult?[replacements.Count];
        for (var i = 0; i < replacements.Count; i++)
        {
            try
            {
                if (replacements[i].KeepChunks)
                {
                    RequireNoChunks(replacements[i]);
                }
                else
                {
                    ChunkListValidator.Validate(replacements[i].Document, replacements[i].Chunks);
                }
            }
            catch (ArgumentException refusal)
            {
                results[i] = DocumentReplacementResult.Refused(refusal);
            }
        }

        await InitializeAsync(cancellationToken);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Every record must apply once it is in the log, so the model check runs here for the whole batch: an empty
            // index takes the model of the first document, as a single write would, and later ones must match it.
            var (model, dimensions) = (_index.EmbeddingModel, _index.EmbeddingDimensions);
            var records = new List<IndexRecord>(replacements.Count);
            var generation = _index.Generation;
            // Versions and documents as the batch leaves them, so two entries of one document are ordered like two calls.
            var heldVersions = new Dictionary<string, long>(StringComparer.Ordinal);
            var written = new Dictionary<string, IndexedDocument>(StringComparer.Ordinal);
            for (var i = 0; i < replacements.Count; i++)
            {
                if (results[i] is not null)
                {
                    continue;
                }

                var (document, chunks, keepChunks) = replacements[i];
                var held = heldVersions.TryGetValue(document.DocumentId, out var pending) ? pending : _index.HeldVersion(document.DocumentId);
                if (DocumentVersions.IsSuperseded(held, document.Version))
                {
                    results[i] = new DocumentReplacementResult(generation, null) { Superseded = true, CurrentVersion = held };
                    continue;
                }

                if (EmbeddedIndex.ModelMismatch(model, dimensions, document.EmbeddingModel, document.EmbeddingDimensions) is { } mismatch)
                {
                    results[i] = DocumentReplacementResult.Refused(mismatch);
                    continue;
                }

                var current = written.TryGetValue(document.DocumentId, out var batched) ? batched : _index.GetDocument(document.DocumentId);
                if (keepChunks && !HoldsContentOf(current, document))
                {
                    results[i] = new DocumentReplacementResult(generation, null) { ChunksMissing = true, CurrentVersion = held };
                    continue;
                }

                (model, dimensions) = (document.EmbeddingModel, document.EmbeddingDimensions);
                IndexRecord record = keepChunks
                    ? new KeepDocumentRecord(++generation, document with { ChunkCount = current!.ChunkCount })
                    : new ReplaceDocumentRecord(++generation, document with { ChunkCount = chunks.Count }, chunks);
                records.Add(record);
                written[document.DocumentId] = keepChunks ? document with { ChunkCount = current!.ChunkCount } : document with { ChunkCount = chunks.Count };
                held = DocumentVersions.AfterWrite(held, document.Version);
                heldVersions[document.DocumentId] = held;
                results[i] = new DocumentReplacementResult(generation, null) { CurrentVersion = held };
            }

            if (records.Count > 0)
            {
                Commit(records);
            }

            return results!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<DocumentDeletion> DeleteDocumentAsync(string documentId, long version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        await InitializeAsync(cancellationToken);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var held = _index.HeldVersion(documentId);
            if (DocumentVersions.IsSuperseded(held, version))
            {
                return new DocumentDeletion(false, 0, _index.Generation) { Superseded = true, CurrentVersion = held };
            }

            var document = _index.GetDocument(documentId);
            var after = DocumentVersions.AfterWrite(held, version);
            // A versioned delete is written even when nothing is there: its tombstone must outrank older writes still on their way.
            if (document is null && after == held)
            {
                return new DocumentDeletion(false, 0, _index.Generation) { CurrentVersion = held };
            }

            var record = new DeleteDocumentRecord(_index.Generation + 1, documentId, version);
            Commit(record);
            return new DocumentDeletion(document is not null, document?.ChunkCount ?? 0, record.Generation) { CurrentVersion = after };
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IndexedDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return Read(index => index.GetDocument(documentId));
    }

    public async Task<DocumentPage> ListDocumentsAsync(int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await InitializeAsync(cancellationToken);
        return Read(index => index.ListDocuments(pageSize, cursor));
    }

    public async Task<IReadOnlyList<IndexedChunk>?> GetChunksAsync(string documentId, bool includeVectors, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return Read(index => index.GetChunks(documentId, includeVectors));
    }

    public async Task<IndexStatistics> GetStatsAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return Read(index => new IndexStatistics(
            index.DocumentCount, index.ChunkCount, index.Generation, index.EmbeddingModel, index.EmbeddingDimensions, StoreName));
    }

    public async Task<long> GetGenerationAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return Read(index => index.Generation);
    }

    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(
        ReadOnlyMemory<float> queryVector,
        string? queryText,
        int topK,
        SearchFilter? filter,
        SearchOptions? options,
        CancellationToken cancellationToken)
    {
        SearchOptions.ValidateTopK(topK);
        options ??= SearchOptions.Default;
        options.Validate();
        var usesVector = options.Mode != SearchMode.Keyword && !queryVector.IsEmpty;
        if (options.Mode == SearchMode.Dense && queryVector.IsEmpty)
        {
            throw new ArgumentException("A dense search needs a query vector.", nameof(queryVector));
        }

        if (usesVector && !ChunkListValidator.IsUsable(queryVector.Span))
        {
            throw new ArgumentException("The query vector is zero or has non-finite values.", nameof(queryVector));
        }

        var terms = options.Mode != SearchMode.Dense ? KeywordTokenizer.DistinctTerms(queryText, _options.Keyword.Stemming) : [];
        await InitializeAsync(cancellationToken);

        var normalized = usesVector ? ArrayPool<float>.Shared.Rent(queryVector.Length) : null;
        try
        {
            if (normalized is not null)
            {
                VectorMath.Normalize(queryVector.Span, normalized.AsSpan(0, queryVector.Length));
            }

            _stateLock.EnterReadLock();
            try
            {
                if (usesVector && _index.EmbeddingDimensions != 0 && queryVector.Length != _index.EmbeddingDimensions)
                {
                    throw new ArgumentException(
                        $"The query vector has {queryVector.Length} dimensions, the index {_index.EmbeddingDimensions}.", nameof(queryVector));
                }

                var query = normalized is null ? ReadOnlySpan<float>.Empty : normalized.AsSpan(0, queryVector.Length);
                return _index.Search(query, terms, topK, filter, options);
            }
            finally
            {
                _stateLock.ExitReadLock();
            }
        }
        finally
        {
            if (normalized is not null)
            {
                ArrayPool<float>.Shared.Return(normalized);
            }
        }
    }

    /// <summary>Whether the log has grown past the size threshold, or has waited longer than the interval.</summary>
    public bool IsSnapshotDue() =>
        LogRecordCount > 0
        && (LogLength >= _options.SnapshotLogSizeBytes || _timeProvider.GetUtcNow() - LastSnapshotAt >= _options.SnapshotInterval);

    /// <summary>
    /// Writes the whole index as a new snapshot and empties the log. Writes wait meanwhile; searches go on. A crash
    /// at any point leaves a loadable pair: the old snapshot with the full log, or the new one with a log whose
    /// records it already holds (skipped by generation on replay).
    /// </summary>
    public async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var started = _timeProvider.GetTimestamp();
            var header = new SnapshotHeaderRecord(_index.Generation, _index.EmbeddingModel, _index.EmbeddingDimensions, _index.DocumentCount);
            SnapshotFile.Write(Path.Combine(DataDirectory, SnapshotFileName), header, _index.ExportDocuments(), _index.ExportVersions());
            var folded = _log!.RecordCount;
            _log.Reset();
            Interlocked.Exchange(ref _lastSnapshotTicks, _timeProvider.GetUtcNow().UtcTicks);
            var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
            LogSnapshotWritten(header.Generation, header.DocumentCount, _index.ChunkCount, folded, elapsedMs);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        Task? initialization;
        lock (_initializationLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            initialization = _initialization;
        }

        // Let a load in flight finish (successfully or not) so its log handle is closed below, not leaked.
        if (initialization is { IsCompleted: false })
        {
            ((IAsyncResult)initialization).AsyncWaitHandle.WaitOne();
        }

        // The gate and the state lock stay undisposed on purpose: a search racing shutdown still reads the in-memory
        // state safely, a write finds _disposed set, and neither lock holds an OS handle unless contended.
        _writeGate.Wait();
        try
        {
            _log?.Dispose();
            _log = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private EmbeddedIndex NewIndex() => new(new Bm25(_options.Keyword.K1, _options.Keyword.B), _options.Keyword.Stemming);

    private void Load()
    {
        var started = _timeProvider.GetTimestamp();
        Directory.CreateDirectory(DataDirectory);
        var index = NewIndex();
        var snapshotPath = Path.Combine(DataDirectory, SnapshotFileName);
        SnapshotFile.DeleteLeftovers(snapshotPath);
        if (File.Exists(snapshotPath))
        {
            foreach (var record in SnapshotFile.Read(snapshotPath))
            {
                if (record is SnapshotHeaderRecord header)
                {
                    index.Restore(header);
                }
                else
                {
                    index.Load(record);
                }
            }
        }

        var snapshotGeneration = index.Generation;
        var logPath = Path.Combine(DataDirectory, LogFileName);
        var log = WriteAheadLog.Open(logPath, _options.RepairDamagedLog, _timeProvider, out var records, out var recovery);
        try
        {
            if (recovery.TornTail is { } tornTail)
            {
                LogTornTailDiscarded(logPath, tornTail.Offset, tornTail.Length, records.Count);
            }

            if (recovery.Repair is { } repair)
            {
                LogRepaired(repair.LogPath, repair.KeptRecords, repair.DroppedRegions.Count, repair.DroppedBytes, repair.BackupPath);
                foreach (var region in repair.DroppedRegions)
                {
                    LogRepairDropped(repair.LogPath, region.Offset, region.Length);
                }

                LastLogRepair = repair;
            }
            else if (_options.RepairDamagedLog)
            {
                // Left on, it would repair later damage silently instead of stopping for someone to look at it.
                LogRepairNotNeeded(logPath);
            }

            var replayed = records.Count(index.Apply);
            _stateLock.EnterWriteLock();
            try
            {
                _index = index;
                _log = log;
            }
            finally
            {
                _stateLock.ExitWriteLock();
            }

            Interlocked.Exchange(ref _lastSnapshotTicks, _timeProvider.GetUtcNow().UtcTicks);
            var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(DataDirectory, index.DocumentCount, index.ChunkCount, index.Generation, snapshotGeneration, replayed, elapsedMs);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="current"/> is the content <paramref name="described"/> names: same text hash, model and chunk count.</summary>
    private static bool HoldsContentOf(IndexedDocument? current, IndexedDocument described) =>
        current is not null
        && string.Equals(current.ContentHash, described.ContentHash, StringComparison.Ordinal)
        && current.ChunkCount == described.ChunkCount
        && string.Equals(current.EmbeddingModel, described.EmbeddingModel, StringComparison.Ordinal)
        && current.EmbeddingDimensions == described.EmbeddingDimensions;

    private static void RequireNoChunks(DocumentReplacement replacement)
    {
        ArgumentException.ThrowIfNullOrEmpty(replacement.Document.DocumentId, nameof(replacement));
        if (replacement.Chunks.Count > 0)
        {
            throw new ArgumentException("A keep-chunks write carries no chunks: it keeps the ones the index holds.", nameof(replacement));
        }
    }

    private void Commit(IndexRecord record) => Commit([record]);

    private void Commit(IReadOnlyList<IndexRecord> records)
    {
        // Durable first: if the log write fails nothing changed, and a crash after it replays the records.
        _log!.AppendAll(records);
        _stateLock.EnterWriteLock();
        try
        {
            foreach (var record in records)
            {
                _index.Apply(record);
            }
        }
        finally
        {
            _stateLock.ExitWriteLock();
        }
    }

    private T Read<T>(Func<EmbeddedIndex, T> read)
    {
        _stateLock.EnterReadLock();
        try
        {
            return read(_index);
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Embedded index loaded from {Directory}: {Documents} documents, {Chunks} chunks, generation {Generation} (snapshot at {SnapshotGeneration}, {Replayed} log records replayed) in {ElapsedMs:F0} ms")]
    private partial void LogLoaded(string directory, int documents, int chunks, long generation, long snapshotGeneration, int replayed, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The index log {Path} ended in {Bytes} bytes of an unfinished write from byte {Offset} (a crash mid-write); they were cut off and the {Records} complete records before them kept")]
    private partial void LogTornTailDiscarded(string path, long offset, long bytes, int records);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The index log {Path} was repaired: {Kept} intact records kept, {Regions} damaged regions ({Bytes} bytes) dropped; the damaged original is kept as {BackupPath}")]
    private partial void LogRepaired(string path, int kept, int regions, long bytes, string backupPath);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "VectorStore:RepairDamagedLog is on but the index log {Path} needed no repair; turn it off so later damage stops start-up again")]
    private partial void LogRepairNotNeeded(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of the index log {Path} dropped {Bytes} damaged bytes at byte {Offset}")]
    private partial void LogRepairDropped(string path, long offset, long bytes);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Index snapshot written at generation {Generation}: {Documents} documents, {Chunks} chunks, {Folded} log records folded in, {ElapsedMs:F0} ms")]
    private partial void LogSnapshotWritten(long generation, int documents, int chunks, int folded, double elapsedMs);
}
