/// Placeholder until the GridwatchDomain target lands.
