/** Plugins written the way a third party would. Not yet written: see issue "The conformance kit". */
package dev.railyard.examples;
