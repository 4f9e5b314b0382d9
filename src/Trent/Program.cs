using Trent.CommandLine;

return await TrentCommandLine.RunAsync(args);
