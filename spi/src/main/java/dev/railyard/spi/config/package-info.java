/** How plugins declare and validate their typed configuration. */
package dev.railyard.spi.config;
