"""The registry: States and other participants (names through the ages), organizations, experts and their
deployments, legislative issues and each State's findings. Imports core only."""
