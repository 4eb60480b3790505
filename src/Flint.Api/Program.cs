using Flint.Api;

var app = await FlintHost.CreateAsync(args);
await app.RunAsync();
