using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// Runs every benchmark method in a loop for a moment before BenchmarkDotNet starts. In process, the code under test
/// (validator, JSON, HttpClient, pipeline) is otherwise still being promoted through the JIT tiers while the first
/// benchmarks are measured: on a busy 2-core machine that doubled the first figures (RS256 validation ~200 µs instead
/// of ~110 µs, measured by running the same benchmarks twice in one process).
/// </summary>
internal static class Prewarm
{
    public static void Run(IEnumerable<Type> benchmarkTypes, TimeSpan perMethod, CancellationToken ct)
    {
        foreach (var type in benchmarkTypes)
        {
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties())
            {
                if (property.GetCustomAttribute<ParamsAttribute>() is { Values: [var first, ..] })
                {
                    property.SetValue(instance, first);
                }
            }

            InvokeMarked<GlobalSetupAttribute>(type, instance);
            try
            {
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    var clock = Stopwatch.StartNew();
                    while (clock.Elapsed < perMethod)
                    {
                        ct.ThrowIfCancellationRequested();
                        Wait(method.Invoke(instance, null));
                    }
                }
            }
            finally
            {
                InvokeMarked<GlobalCleanupAttribute>(type, instance);
            }
        }
    }

    private static void InvokeMarked<TAttribute>(Type type, object instance)
        where TAttribute : Attribute
    {
        foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }

    /// <summary>Waits for a Task, ValueTask or ValueTask&lt;T&gt; result; anything else is already complete.</summary>
    private static void Wait(object? result)
    {
        switch (result)
        {
            case Task task:
                task.GetAwaiter().GetResult();
                break;
            case ValueTask valueTask:
                valueTask.AsTask().GetAwaiter().GetResult();
                break;
            case { } other when other.GetType() is { IsGenericType: true } generic && generic.GetGenericTypeDefinition() == typeof(ValueTask<>):
                ((Task)generic.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(other, null)!).GetAwaiter().GetResult();
                break;
        }
    }
}
