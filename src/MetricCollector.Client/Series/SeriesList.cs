namespace MetricCollector.Client.Series;

/// <summary>
/// The counters or gauges of a registry, appended under the registry's lock and read by the sender without one. An
/// append writes past what readers see and then publishes the longer view, so it costs O(1) amortized: copying the
/// whole array on every new series made creating n series O(n²) (100,000 counters took 40 s, all under the lock).
/// </summary>
/// <typeparam name="T">The series type.</typeparam>
internal sealed class SeriesList<T>
    where T : class
{
    private View _view = new([], 0);

    /// <summary>The series appended so far, in order; later appends do not change it.</summary>
    public ReadOnlySpan<T> Items
    {
        get
        {
            var view = Volatile.Read(ref _view);
            return view.Array.AsSpan(0, view.Count);
        }
    }

    /// <summary>Appends <paramref name="series"/>; called under the registry's lock only.</summary>
    public void Add(T series)
    {
        var view = _view;
        var array = view.Array;
        if (view.Count == array.Length)
        {
            // A new array for the longer view: readers of the old one keep reading it unchanged.
            Array.Resize(ref array, Math.Max(16, array.Length * 2));
        }

        array[view.Count] = series;
        Volatile.Write(ref _view, new View(array, view.Count + 1));
    }

    /// <summary>
    /// Drops every series <paramref name="retired"/> picks, into a new array (readers of the old view keep reading it
    /// unchanged); called under the registry's lock only.
    /// </summary>
    /// <param name="retired">Whether a series goes.</param>
    public void RemoveAll(Func<T, bool> retired)
    {
        var view = _view;
        int count = 0;
        for (int i = 0; i < view.Count; i++)
        {
            count += retired(view.Array[i]) ? 0 : 1;
        }

        // Sized to what is kept: a component that removed most of its series gives their room back.
        var kept = new T[Math.Max(16, count)];
        count = 0;
        for (int i = 0; i < view.Count; i++)
        {
            if (!retired(view.Array[i]))
            {
                kept[count++] = view.Array[i];
            }
        }

        Volatile.Write(ref _view, new View(kept, count));
    }

    private sealed record View(T[] Array, int Count);
}
