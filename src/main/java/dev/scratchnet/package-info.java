/** scratchnet: the layered networks of Deep Learning from Scratch, chapter 5, trained by synchronous SGD on Spark. */
package dev.scratchnet;
