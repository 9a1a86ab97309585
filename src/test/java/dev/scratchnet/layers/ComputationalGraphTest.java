package dev.scratchnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The book's §5.4 examples (buy_apple.py, buy_apple_orange.py), to the printed digits. */
class ComputationalGraphTest {
    private static final double EPS = 1e-9;

    @Test
    void buyApple() {
        double apple = 100;
        double appleNum = 2;
        double tax = 1.1;
        MulLayer mulAppleLayer = new MulLayer();
        MulLayer mulTaxLayer = new MulLayer();

        double applePrice = mulAppleLayer.forward(apple, appleNum);
        double price = mulTaxLayer.forward(applePrice, tax);
        assertEquals(220, price, EPS);

        double[] dTax = mulTaxLayer.backward(1);
        double[] dApple = mulAppleLayer.backward(dTax[0]);
        assertEquals(2.2, dApple[0], EPS);
        assertEquals(110, dApple[1], EPS);
        assertEquals(200, dTax[1], EPS);
    }

    @Test
    void buyAppleOrange() {
        double apple = 100;
        double appleNum = 2;
        double orange = 150;
        double orangeNum = 3;
        double tax = 1.1;
        MulLayer mulAppleLayer = new MulLayer();
        MulLayer mulOrangeLayer = new MulLayer();
        AddLayer addAppleOrangeLayer = new AddLayer();
        MulLayer mulTaxLayer = new MulLayer();

        double applePrice = mulAppleLayer.forward(apple, appleNum);
        double orangePrice = mulOrangeLayer.forward(orange, orangeNum);
        double allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
        double price = mulTaxLayer.forward(allPrice, tax);
        assertEquals(715, price, EPS);

        double[] dAllPriceTax = mulTaxLayer.backward(1);
        double[] dApplePriceOrangePrice = addAppleOrangeLayer.backward(dAllPriceTax[0]);
        double[] dOrange = mulOrangeLayer.backward(dApplePriceOrangePrice[1]);
        double[] dApple = mulAppleLayer.backward(dApplePriceOrangePrice[0]);
        assertEquals(110, dApple[1], EPS);
        assertEquals(2.2, dApple[0], EPS);
        assertEquals(3.3, dOrange[0], EPS);
        assertEquals(165, dOrange[1], EPS);
        assertEquals(650, dAllPriceTax[1], EPS);
    }
}
