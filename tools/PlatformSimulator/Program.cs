using Genviral.PlatformSimulator;

var app = SimulatorApp.Build(args);
await app.RunAsync();
