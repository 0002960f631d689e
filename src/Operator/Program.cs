using GithubSts.Operator.Hosting;

return await GithubStsHost.RunAsync(args);
