using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AptOstree.Benchmarks.Core.ChecksumBenchmarks).Assembly).Run(args);
