using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// Keeps the k best (slot, score) pairs seen, in a min-heap of two preallocated arrays: offering a candidate
/// allocates nothing. Equal scores prefer the lower slot so results are deterministic.
/// </summary>
internal sealed class TopKCollector
{
    private readonly int[] _slots;
    private readonly float[] _scores;

    public TopKCollector(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new int[capacity];
        _scores = new float[capacity];
    }

    public int Count { get; private set; }

    /// <summary>The lowest score kept (the heap's root); meaningful only when <see cref="Count"/> is above 0.</summary>
    public float WorstScore => _scores[0];

    /// <summary>The kept slots, in no particular order.</summary>
    public ReadOnlySpan<int> Slots => _slots.AsSpan(0, Count);

    public void Offer(int slot, float score)
    {
        if (Count < _slots.Length)
        {
            _slots[Count] = slot;
            _scores[Count] = score;
            SiftUp(Count++);
            return;
        }

        // The root is the worst kept candidate.
        if (!IsBetter(slot, score, _slots[0], _scores[0]))
        {
            return;
        }

        _slots[0] = slot;
        _scores[0] = score;
        SiftDown(0);
    }

    /// <summary>The kept candidates, best first.</summary>
    public List<RankedCandidate<int>> ToRanking()
    {
        var ranking = new List<RankedCandidate<int>>(Count);
        for (var i = 0; i < Count; i++)
        {
            ranking.Add(new RankedCandidate<int>(_slots[i], _scores[i]));
        }

        ranking.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Key.CompareTo(b.Key));
        return ranking;
    }

    private static bool IsBetter(int slot, float score, int otherSlot, float otherScore) =>
        score > otherScore || (score == otherScore && slot < otherSlot);

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!IsBetter(_slots[parent], _scores[parent], _slots[index], _scores[index]))
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            var worst = index;
            foreach (var child in (ReadOnlySpan<int>)[(2 * index) + 1, (2 * index) + 2])
            {
                if (child < Count && IsBetter(_slots[worst], _scores[worst], _slots[child], _scores[child]))
                {
                    worst = child;
                }
            }

            if (worst == index)
            {
                return;
            }

            Swap(index, worst);
            index = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
    }
}
