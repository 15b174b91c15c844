using System.Diagnostics;
using System.Globalization;

/// <summary>CPU seconds of a run, split by who spent them; the idle workers' cost per second of wall time.</summary>
internal sealed record CpuUse(double Nbf, double Kernels, double Azurite, double IdlePerSecond);

/// <summary>CPU seconds read from /proc: the workers' own processes, their descendants (live ones, and what reaped
/// ones spent, which Linux adds to their parent's cutime/cstime), and Azurite's node process.</summary>
internal static class Cpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux

    public static (double Nbf, double Kernels, double Azurite) Snapshot(IEnumerable<Process> workers)
    {
        var table = Table();
        double nbf = 0, kernels = 0;
        foreach (var worker in workers)
        {
            if (!table.TryGetValue(worker.Id, out var own)) continue;
            nbf += own.Self;
            // A worker's reaped children (a spawned kernel, a fork server that ended) count as kernels too.
            kernels += own.Reaped;
            foreach (var descendant in Descendants(table, worker.Id)) kernels += table[descendant].Self + table[descendant].Reaped;
        }

        var azurite = table.Where(p => p.Value.Command.Contains("azurite", StringComparison.Ordinal)).Sum(p => p.Value.Self + p.Value.Reaped);
        return (nbf, kernels, azurite);
    }

    private static IEnumerable<int> Descendants(Dictionary<int, (int Parent, double Self, double Reaped, string Command)> table, int root)
    {
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            foreach (var (pid, info) in table)
            {
                if (info.Parent != parent) continue;
                yield return pid;
                pending.Push(pid);
            }
        }
    }

    private static Dictionary<int, (int Parent, double Self, double Reaped, string Command)> Table()
    {
        var table = new Dictionary<int, (int, double, double, string)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                // Fields after the command (which may hold spaces) start after its closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                double Ticks(int field) => double.Parse(fields[field - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
                var command = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                table[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), Ticks(14) + Ticks(15), Ticks(16) + Ticks(17), command);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return table;
    }
}
