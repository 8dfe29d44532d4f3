namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// Chunk slots with their L2-normalised vectors in one contiguous float array (slot i at [i*dims, (i+1)*dims)),
/// so a dense scan is a run of SIMD dot products with no per-chunk objects touched. Freed slots are reused
/// lowest first, which keeps the scanned range tight; a freed slot holds no chunk and is skipped. Beside the floats it
/// keeps each vector's 8-bit copy and scale (<see cref="Int8Vectors"/>) for the dense scan's first pass.
/// </summary>
internal sealed class ChunkTable
{
    private const int InitialCapacity = 1024;

    private readonly SortedSet<int> _freeSlots = [];
    private float[] _vectors = [];
    private sbyte[] _quantized = [];
    private float[] _scales = [];
    private StoredChunk?[] _chunks = [];

    public int Dimensions { get; private set; }

    /// <summary>One past the highest slot in use: scans stop here.</summary>
    public int SlotLimit { get; private set; }

    public int Count { get; private set; }

    public ReadOnlySpan<float> Vectors => _vectors.AsSpan(0, SlotLimit * Dimensions);

    /// <summary>The 8-bit copies, laid out like <see cref="Vectors"/>.</summary>
    public ReadOnlySpan<sbyte> QuantizedVectors => _quantized.AsSpan(0, SlotLimit * Dimensions);

    /// <summary>Per slot, the factor from a quantized vector's bytes back to its components (0 for a free slot).</summary>
    public ReadOnlySpan<float> QuantizedScales => _scales.AsSpan(0, SlotLimit);

    /// <summary>
    /// The largest <see cref="Int8Vectors.RoundingError"/> of any vector the table has held: an upper bound for every
    /// vector in it (kept after a removal, where it can only be too cautious).
    /// </summary>
    public float LargestRoundingError { get; private set; }

    public StoredChunk? ChunkAt(int slot) => _chunks[slot];

    public ReadOnlySpan<float> VectorAt(int slot) => _vectors.AsSpan(slot * Dimensions, Dimensions);

    /// <summary>
    /// The slot's vector as memory, for code that holds it past a call. Valid only under the index's read lock: a
    /// write may grow (replace) the array or reuse the slot.
    /// </summary>
    public ReadOnlyMemory<float> VectorMemoryAt(int slot) => _vectors.AsMemory(slot * Dimensions, Dimensions);

    /// <param name="normalized">
    /// The vector is one this table handed out (a snapshot's): stored as it is, since normalising it again may move it
    /// by an ulp, and a restart must give back the vectors it had.
    /// </param>
    public int Add(StoredChunk chunk, ReadOnlySpan<float> vector, bool normalized = false)
    {
        if (Dimensions == 0)
        {
            ArgumentOutOfRangeException.ThrowIfZero(vector.Length);
            Dimensions = vector.Length;
        }
        else if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The table holds {Dimensions}-dimensional vectors, not {vector.Length}.", nameof(vector));
        }

        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Min;
            _freeSlots.Remove(slot);
        }
        else
        {
            slot = SlotLimit;
            EnsureCapacity(slot + 1);
            SlotLimit++;
        }

        if (normalized)
        {
            vector.CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
        }
        else
        {
            VectorMath.Normalize(vector, _vectors.AsSpan(slot * Dimensions, Dimensions));
        }

        var bytes = _quantized.AsSpan(slot * Dimensions, Dimensions);
        _scales[slot] = Int8Vectors.Quantize(VectorAt(slot), bytes);
        LargestRoundingError = Math.Max(LargestRoundingError, Int8Vectors.RoundingError(VectorAt(slot), bytes, _scales[slot]));
        _chunks[slot] = chunk;
        Count++;
        return slot;
    }

    public void Remove(int slot)
    {
        if (_chunks[slot] is null)
        {
            throw new InvalidOperationException($"Slot {slot} is already free.");
        }

        _chunks[slot] = null;
        _vectors.AsSpan(slot * Dimensions, Dimensions).Clear();
        _quantized.AsSpan(slot * Dimensions, Dimensions).Clear();
        _scales[slot] = 0;
        Count--;
        _freeSlots.Add(slot);
        while (SlotLimit > 0 && _freeSlots.Contains(SlotLimit - 1))
        {
            _freeSlots.Remove(SlotLimit - 1);
            SlotLimit--;
        }
    }

    private void EnsureCapacity(int slots)
    {
        if (slots <= _chunks.Length)
        {
            return;
        }

        var capacity = Math.Max(InitialCapacity, _chunks.Length * 2);
        while (capacity < slots)
        {
            capacity *= 2;
        }

        Array.Resize(ref _chunks, capacity);
        Array.Resize(ref _vectors, checked(capacity * Dimensions));
        Array.Resize(ref _quantized, checked(capacity * Dimensions));
        Array.Resize(ref _scales, capacity);
    }
}
