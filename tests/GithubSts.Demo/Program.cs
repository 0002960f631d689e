using GithubSts.Demo;

return await DemoRunner.RunAsync(serve: args.Contains("--serve", StringComparer.Ordinal));
