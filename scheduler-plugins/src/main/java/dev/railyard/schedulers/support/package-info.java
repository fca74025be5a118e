/** Helpers shared by the scheduler plugins: ordering, KV capacity arithmetic, config binding. */
package dev.railyard.schedulers.support;
