import ArgumentParser; import VaultRuntime
