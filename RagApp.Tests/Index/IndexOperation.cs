using System.Globalization;

namespace RagApp.Tests.Index;

/// <summary>
/// One step of a model-based run against the embedded index: a write, a batch of writes, a delete, a snapshot or a
/// restart. Plain data, so CsCheck can generate, shrink and print a failing sequence.
/// </summary>
internal abstract record IndexOperation
{
    /// <summary>What a generated write carries: chunks, a keep-chunks description, or something the store must refuse.</summary>
    public enum WriteKind
    {
        Chunks,

        /// <summary>Keep-chunks naming the content the index holds for the document (falls back to <see cref="KeepOtherContent"/> when it holds none).</summary>
        KeepHeldContent,

        /// <summary>Keep-chunks naming content the index may not hold: answered chunks-missing unless it happens to match.</summary>
        KeepOtherContent,

        /// <summary>Vectors of another embedding model and dimension: refused once the index has a model, the index's model when it has none.</summary>
        OtherModel,
        DuplicateOrdinal,
        ForeignChunkId,
        WrongDimensions,
        ZeroVector,
        NonFiniteValue,
    }

    /// <summary>A document as one write sends it; <see cref="Nonce"/> makes every write's texts distinct, so stale chunks show.</summary>
    public sealed record DocumentWrite(string DocumentId, long Version, WriteKind Kind, int Nonce, IReadOnlyList<float[]> Vectors)
    {
        public bool KeepsChunks => Kind is WriteKind.KeepHeldContent or WriteKind.KeepOtherContent;

        /// <summary>Whether the chunk list breaks the store's invariants (an empty list has nothing to break).</summary>
        public bool HasBadChunks => Kind >= WriteKind.DuplicateOrdinal && Vectors.Count > 0;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{DocumentId} v{Version} {Kind} nonce {Nonce} [{string.Join(" | ", Vectors.Select(vector => string.Join(' ', vector)))}]");
    }

    public sealed record Replace(DocumentWrite Write) : IndexOperation
    {
        public override string ToString() => $"Replace {Write}";
    }

    public sealed record ReplaceBatch(IReadOnlyList<DocumentWrite> Writes) : IndexOperation
    {
        public override string ToString() => $"ReplaceBatch {{ {string.Join("; ", Writes)} }}";
    }

    public sealed record Delete(string DocumentId, long Version) : IndexOperation
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Delete {DocumentId} v{Version}");
    }

    /// <summary>Folds the log into a snapshot, as the compaction service does.</summary>
    public sealed record Snapshot : IndexOperation
    {
        public override string ToString() => "Snapshot";
    }

    /// <summary>Disposes the store and opens a new one on the same directory: a restart (snapshot load and log replay).</summary>
    public sealed record Reopen : IndexOperation
    {
        public override string ToString() => "Reopen";
    }
}
