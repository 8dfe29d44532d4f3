using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RagApp.Rag.Index;

/// <summary>
/// Traces and metrics of the index under the service's names ("RagApp.Rag"). Gauges report the last state the
/// service saw (after every write and stats call), because an observable callback must not call the store.
/// </summary>
internal sealed class IndexTelemetry
{
    public const string Name = "RagApp.Rag";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _chunksWritten;
    private readonly Counter<long> _documentsUpserted;
    private readonly Counter<long> _documentsDeleted;
    private readonly Histogram<double> _upsertDuration;
    private IndexStatistics _last = new(0, 0, 0, "", 0, "");

    public IndexTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _chunksWritten = meter.CreateCounter<long>("ragapp.index.chunks_written", "{chunk}", "Chunks written by document upserts.");
        _documentsUpserted = meter.CreateCounter<long>("ragapp.index.documents_upserted", "{document}", "Documents upserted.");
        _documentsDeleted = meter.CreateCounter<long>("ragapp.index.documents_deleted", "{document}", "Documents deleted.");
        _upsertDuration = meter.CreateHistogram<double>("ragapp.index.upsert.duration", "s", "Time to commit one document upsert.");
        meter.CreateObservableGauge("ragapp.index.documents", () => Volatile.Read(ref _last).DocumentCount, "{document}", "Documents in the index.");
        meter.CreateObservableGauge("ragapp.index.chunks", () => Volatile.Read(ref _last).ChunkCount, "{chunk}", "Chunks in the index.");
        meter.CreateObservableGauge("ragapp.index.generation", () => Volatile.Read(ref _last).Generation, null, "Index generation; bumped by every change.");
    }

    public void Observe(IndexStatistics statistics) => Volatile.Write(ref _last, statistics);

    public void RecordUpsert(int chunks, TimeSpan duration)
    {
        _documentsUpserted.Add(1);
        _chunksWritten.Add(chunks);
        _upsertDuration.Record(duration.TotalSeconds);
    }

    public void RecordDelete() => _documentsDeleted.Add(1);
}
